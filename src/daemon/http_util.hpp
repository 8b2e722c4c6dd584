#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "daemon/net.hpp"

namespace eegd::daemon {

response json_response(const request& req, http::status status, const nlohmann::json& body);
response text_response(const request& req, http::status status, std::string body, std::string_view content_type);
// {"error": message, ...extra}
response error_response(const request& req, http::status status, const std::string& message,
                        nlohmann::json extra = nlohmann::json::object());

// Path and decoded query parameters of a request target ("/ws/data?topic=a&topic=b").
struct target {
  std::string path;
  std::vector<std::pair<std::string, std::string>> query;
  std::vector<std::string> all(std::string_view key) const;
  std::string get(std::string_view key) const;  // first value or ""
};
target parse_target(std::string_view raw);
std::string percent_decode(std::string_view s);

}  // namespace eegd::daemon
