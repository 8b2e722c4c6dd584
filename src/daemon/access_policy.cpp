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
  if (websocket_upgrade) {
    const auto origin = to_std(req[http::field::origin]);
    if (!origin.empty() && !policy.origin_allowed(origin))
      return error_response(req, http::status::forbidden, "Origin '" + std::string(origin) + "' may not connect");
  }
  return std::nullopt;
}

}  // namespace eegd::daemon
