#pragma once

// Where a running daemon leaves its traces: the lock file that makes it the
// only instance, eegd.json that tells clients how to reach it, and the Unix
// socket. Default: $XDG_RUNTIME_DIR/eegd, else /run/eegd for root, else
// /tmp/eegd-UID.

#include <optional>
#include <string>

#include "eegd/result.hpp"

namespace eegd::daemon {

std::string default_runtime_dir();
// $XDG_STATE_HOME/eegd, else /var/lib/eegd for root, else ~/.local/state/eegd.
std::string default_state_dir();

// Creates `dir` (mode 0700 when new) and checks it is a directory we own.
status prepare_private_dir(const std::string& dir);

// Holds <dir>/eegd.lock with flock() for the life of the process. A lock left by
// a killed daemon is free again (the kernel dropped it) and is taken over.
class instance_lock {
 public:
  instance_lock() = default;
  instance_lock(instance_lock&& o) noexcept;
  instance_lock& operator=(instance_lock&& o) noexcept;
  ~instance_lock();

  // Fails with "eegd is already running (pid N, URL)" when another instance holds it.
  static result<instance_lock> acquire(const std::string& dir);
  void release();  // unlinks the file while still holding the lock

 private:
  int fd_ = -1;
  std::string path_;
};

struct instance_info {
  int pid = 0;
  std::string version;
  std::string http_url;
  std::string socket_path;
  std::string started_at;  // ISO 8601
};

// Atomically (write, fsync, rename) writes <dir>/eegd.json.
status write_instance_info(const std::string& dir, const instance_info& info);
std::optional<instance_info> read_instance_info(const std::string& dir);

// "pid 1234 (eegd)" for the process listening on TCP `port`, when it can be
// found in /proc (same user or root); empty otherwise.
std::string describe_port_owner(unsigned port);

}  // namespace eegd::daemon
