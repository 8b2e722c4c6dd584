#include "daemon/access_policy.hpp"

#include <algorithm>
#include <cctype>

#include "daemon/http_util.hpp"

namespace eegd::daemon {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// "host:port" -> {host, port}; "[::1]:80" -> {"[::1]", 80}; missing port: 80.
std::pair<std::string, unsigned> split_host_port(std::string_view hp) {
  std::string s = lower(hp);
  const auto bracket = s.rfind(']');
  const auto colon = s.rfind(':');
  if (colon != std::string::npos && (bracket == std::string::npos || colon > bracket)) {
    unsigned port = 0;
    for (char c : s.substr(colon + 1)) {
      if (!std::isdigit(static_cast<unsigned char>(c)) || port > 65535) return {"", 0};
      port = port * 10 + static_cast<unsigned>(c - '0');
    }
    return {s.substr(0, colon), port};
  }
  return {s, 80};
}

bool is_loopback_name(const std::string& h) {
  return h == "localhost" || h == "127.0.0.1" || h == "[::1]" || h.ends_with(".localhost");
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

bool bearer_or_cookie_matches(const request& req, const std::string& token);

}  // namespace

bool access_policy::loopback_only() const {
  return bound_host == "127.0.0.1" || bound_host == "::1" || bound_host == "localhost" || bound_host == "[::1]";
}

bool access_policy::host_allowed(std::string_view host_header) const {
  const auto [host, p] = split_host_port(host_header);
  if (host.empty() || p != port) return false;
  const bool any = bound_host == "0.0.0.0" || bound_host == "::" || bound_host.empty();
  if (is_loopback_name(host) && (loopback_only() || any)) return true;
  if (host == lower(bound_host) || "[" + host + "]" == lower(bound_host) || host == "[" + lower(bound_host) + "]")
    return true;
  for (const auto& h : extra_hosts)
    if (host == lower(h)) return true;
  return false;
}

bool access_policy::origin_allowed(std::string_view origin) const {
  const std::string o = lower(origin);
  std::string_view rest;
  if (o.starts_with("http://")) rest = std::string_view(o).substr(7);
  else if (o.starts_with("https://")) rest = std::string_view(o).substr(8);
  else return false;
  if (rest.find('/') != std::string_view::npos) return false;
  return host_allowed(rest);
}

std::optional<response> check_access(const access_policy& policy, const request& req, bool websocket_upgrade) {
  const auto host = to_std(req[http::field::host]);
  if (!policy.host_allowed(host))
    return error_response(req, http::status::forbidden, "Host '" + std::string(host) + "' is not this daemon");
  const bool read_only = req.method() == http::verb::get || req.method() == http::verb::head;
  // A page from another site may not open our WebSockets, nor change anything:
  // a browser sends a cross-site form POST (text/plain, no CORS preflight) with
  // its Origin, and without this check any web page could restart the pipeline.
  if (websocket_upgrade || !read_only) {
    const auto origin = to_std(req[http::field::origin]);
    if (!origin.empty() && !policy.origin_allowed(origin))
      return error_response(req, http::status::forbidden,
                            "Origin '" + std::string(origin) + "' may not " + (websocket_upgrade ? "connect" : "make changes"));
  }
  if (policy.token.empty()) return std::nullopt;

  const target t = parse_target(to_std(req.target()));
  if (const std::string query_token = t.get("token"); !query_token.empty() && !websocket_upgrade && read_only) {
    if (!same_secret(query_token, policy.token)) return error_response(req, http::status::unauthorized, "wrong token");
    response res{http::status::found, req.version()};
    res.set(http::field::location, t.path);
    res.set(http::field::set_cookie, "eegd_token=" + policy.token + "; Path=/; HttpOnly; SameSite=Strict");
    res.set(http::field::cache_control, "no-store");
    res.prepare_payload();
    return res;
  }
  if (bearer_or_cookie_matches(req, policy.token)) return std::nullopt;
  // The browser UI's files hold no data and no secrets; serving them without
  // the token lets the page load and tell the user the token is missing or
  // wrong instead of showing a bare 401.
  if (read_only && !websocket_upgrade && !t.path.starts_with("/api/") && !t.path.starts_with("/ws/") && t.path != "/metrics")
    return std::nullopt;
  if (policy.public_read && read_only && (!websocket_upgrade || t.path == "/ws/data")) return std::nullopt;
  response res = error_response(req, http::status::unauthorized,
                                "this daemon needs its token: Authorization: Bearer TOKEN, or open /?token=TOKEN once");
  res.set(http::field::www_authenticate, "Bearer");
  return res;
}

namespace {
bool bearer_or_cookie_matches(const request& req, const std::string& token) {
  const auto auth = to_std(req[http::field::authorization]);
  if (auth.size() > 7 && lower(auth.substr(0, 7)) == "bearer " && same_secret(trim(auth.substr(7)), token)) return true;
  std::string_view cookies = to_std(req[http::field::cookie]);
  while (!cookies.empty()) {
    const auto semi = cookies.find(';');
    const std::string_view one = trim(cookies.substr(0, semi));
    if (one.starts_with("eegd_token=") && same_secret(one.substr(11), token)) return true;
    if (semi == std::string_view::npos) break;
    cookies.remove_prefix(semi + 1);
  }
  return false;
}
}  // namespace

bool same_secret(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace eegd::daemon
