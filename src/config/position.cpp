#include "config/position.hpp"

namespace eegd::config {

std::string config_error::to_string() const {
  std::string s = where.file;
  if (where.line > 0) s += ":" + std::to_string(where.line) + ":" + std::to_string(where.col);
  return s + ": " + message;
}

}  // namespace eegd::config
