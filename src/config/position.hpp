#pragma once

#include <string>
#include <vector>

namespace eegd::config {

// Where something was written: 1-based line and column in a named file
// ("<request>" for a posted body). line == 0 means "the file as a whole".
struct position {
  std::string file;
  int line = 0;
  int col = 0;
};

struct config_error {
  position where;
  std::string message;
  std::string param;  // the parameter at fault, when there is one

  // "file:line:col: message"
  std::string to_string() const;
};

using config_errors = std::vector<config_error>;

}  // namespace eegd::config
