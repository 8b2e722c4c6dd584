#pragma once

#include <map>
#include <string>

namespace eegd::testing {

struct http_result {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
};

// One request over a fresh connection. Extra headers override the defaults
// (Host is host:port unless given).
http_result http_request(const std::string& host, unsigned port, const std::string& method, const std::string& target,
                         const std::string& body = {}, const std::map<std::string, std::string>& headers = {});

}  // namespace eegd::testing
