#pragma once

// Runs a program for integration tests: capture stdout and stderr, give it
// stdin, wait with a deadline, signal it. Killed when the handle goes away.

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace eegd::testing {

struct process_result {
  int exit_code = -1;   // -1 when it did not exit normally
  int signal = 0;       // the signal that ended it, if any
  bool timed_out = false;
  std::string out, err;
};

class process {
 public:
  // Starts `argv[0]` (a path) with `argv`; `cwd` empty: inherit.
  explicit process(std::vector<std::string> argv, const std::string& cwd = {},
                   std::vector<std::string> extra_env = {});
  ~process();
  process(const process&) = delete;
  process& operator=(const process&) = delete;

  pid_t pid() const { return pid_; }
  void signal(int sig) const;
  // Reads output until `needle` appears in stdout+stderr, or the deadline.
  bool wait_for_output(const std::string& needle, std::chrono::milliseconds timeout);
  // Waits for exit (collecting output); kills it with SIGKILL at the deadline.
  process_result wait(std::chrono::milliseconds timeout = std::chrono::seconds(60));
  const std::string& out() const { return out_; }
  const std::string& err() const { return err_; }

 private:
  bool pump(int timeout_ms);  // reads what is available; false when both pipes closed
  pid_t pid_ = -1;
  int out_fd_ = -1, err_fd_ = -1;
  std::string out_, err_;
  std::optional<process_result> result_;
};

// Runs to completion.
process_result run(std::vector<std::string> argv, std::chrono::milliseconds timeout = std::chrono::seconds(60),
                   const std::string& cwd = {});

// A fresh directory under the build tree, removed when the object goes away.
class temp_dir {
 public:
  temp_dir();
  ~temp_dir();
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  void write(const std::string& name, const std::string& text) const;

 private:
  std::string path_;
};

std::string read_file(const std::string& path);

// The eegd binary of the build tree these tests belong to.
std::string eegd_binary();
std::string eegctl_binary();
std::string source_dir();

}  // namespace eegd::testing
