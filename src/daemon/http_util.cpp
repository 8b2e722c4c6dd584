#include "daemon/http_util.hpp"
#include "observe/json_text.hpp"

namespace eegd::daemon {

response text_response(const request& req, http::status status, std::string body, std::string_view content_type) {
  response res{status, req.version()};
  res.set(http::field::server, "eegd");
  res.set(http::field::content_type, beast::string_view(content_type.data(), content_type.size()));
  res.set(http::field::cache_control, "no-store");
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

response json_response(const request& req, http::status status, const nlohmann::json& body) {
  return text_response(req, status, observe::json_text(body, 2) + "\n", "application/json");
}

response error_response(const request& req, http::status status, const std::string& message, nlohmann::json extra) {
  extra["error"] = message;
  return json_response(req, status, extra);
}

std::string percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i] == '+' ? ' ' : s[i];
    }
  }
  return out;
}

target parse_target(std::string_view raw) {
  target t;
  const auto q = raw.find('?');
  t.path = percent_decode(raw.substr(0, q));
  if (q == std::string_view::npos) return t;
  std::string_view rest = raw.substr(q + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    const auto eq = pair.find('=');
    if (!pair.empty())
      t.query.emplace_back(percent_decode(pair.substr(0, eq)),
                           eq == std::string_view::npos ? "" : percent_decode(pair.substr(eq + 1)));
    if (amp == std::string_view::npos) break;
    rest = rest.substr(amp + 1);
  }
  return t;
}

std::vector<std::string> target::all(std::string_view key) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : query)
    if (k == key) out.push_back(v);
  return out;
}

std::string target::get(std::string_view key) const {
  for (const auto& [k, v] : query)
    if (k == key) return v;
  return {};
}

}  // namespace eegd::daemon
