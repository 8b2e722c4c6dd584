#pragma once

#include <string>

namespace eegd::cli {

struct run_options {
  std::string pipeline;
  double duration_s = -1;  // < 0: until the sources end or a signal
  bool fast = false;       // sources run as fast as possible
  std::string stats_json;  // write statistics here when set
  bool quiet = false;
};

// Exit codes shared by the eegd and eegctl commands (documented in docs/cli.md).
enum exit_code : int {
  exit_ok = 0,
  exit_failed = 1,        // the pipeline ran and failed
  exit_bad_config = 2,    // the pipeline file was rejected
  exit_no_daemon = 3,     // eegctl: no eegd is running (or it does not answer)
  exit_usage = 64,
};

int run_command(const run_options& options);
int check_command(const std::string& pipeline);
int stages_command(bool json, bool markdown);

}  // namespace eegd::cli
