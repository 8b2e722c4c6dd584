#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace eegd::observe {

// JSON text for the outside world. Strings may hold bytes from outside
// (headers, file labels, YAML); invalid UTF-8 becomes U+FFFD instead of an
// exception (nlohmann's default), so bad input never breaks an answer.
inline std::string json_text(const nlohmann::json& j, int indent = -1) {
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace eegd::observe
