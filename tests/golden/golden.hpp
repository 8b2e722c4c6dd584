#pragma once

// Runs tests/golden/dsp_golden.py with Debian's scipy (/usr/bin/python3) and
// parses the named arrays it prints. Tests call it at run time, so the
// reference numbers always come from scipy itself, never from a checked-in copy.

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <utility>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace eegd::golden {

struct array {
  std::size_t rows = 0, cols = 0;
  std::vector<double> v;
  double at(std::size_t r, std::size_t c) const { return v.at(r * cols + c); }
};

inline std::map<std::string, array> run(const std::string& args) {
  const std::string cmd = std::string("/usr/bin/python3 ") + EEGD_SOURCE_DIR + "/tests/golden/dsp_golden.py " + args;
  std::map<std::string, array> out;
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (!pipe) {
    ADD_FAILURE() << "cannot run " << cmd;
    return out;
  }
  std::string text;
  char buf[65536];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) text.append(buf, n);
  const int rc = ::pclose(pipe);
  if (rc != 0) {
    ADD_FAILURE() << cmd << " failed with status " << rc;
    return out;
  }
  std::istringstream in(text);
  std::string name;
  while (in >> name) {
    array a;
    in >> a.rows >> a.cols;
    a.v.resize(a.rows * a.cols);
    for (double& d : a.v) {
      std::string tok;
      in >> tok;
      d = std::strtod(tok.c_str(), nullptr);  // handles nan/inf spellings too
    }
    out[name] = std::move(a);
  }
  return out;
}

// Several commands in one Python run; result i holds the arrays of commands[i].
inline std::vector<std::map<std::string, array>> run_many(const std::vector<std::string>& commands) {
  std::string args;
  for (const auto& c : commands) args += (args.empty() ? "" : " , ") + c;
  auto all = run(args);
  std::vector<std::map<std::string, array>> out(commands.size());
  if (commands.size() == 1) {
    out[0] = std::move(all);
    return out;
  }
  for (auto& [name, a] : all) {
    const auto colon = name.find(':');
    out.at(std::stoul(name.substr(0, colon)))[name.substr(colon + 1)] = std::move(a);
  }
  return out;
}

}  // namespace eegd::golden
