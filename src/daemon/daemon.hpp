#pragma once

#include <string>
#include <vector>

namespace eegd::daemon {

struct serve_options {
  std::string pipeline;                  // empty: the default pipeline
  std::string http = "127.0.0.1:8080";   // HOST:PORT; port 0 picks a free one
  std::string runtime_dir;               // empty: default_runtime_dir()
  std::string state_dir;                 // empty: default_state_dir()
  std::size_t client_queue = 128;        // messages buffered per WebSocket client
  unsigned io_threads = 2;               // threads serving connections (each connection on a strand)
  std::vector<std::string> allow_hosts;  // extra names for the Host check
  std::string token;                     // beyond loopback; empty: <state-dir>/token (created)
  bool public_read = false;              // GETs and /ws/data without the token
};

// Runs the daemon until SIGTERM/SIGINT; returns the process exit code.
// Without --pipeline it restores the pipeline saved at the last clean shutdown.
int serve(const serve_options& options);

// Where configs/pipelines/default.yaml is when no --pipeline is given:
// $EEGD_DATA_DIR/pipelines, next to the binary in a build tree, or
// /usr/share/eegd/pipelines.
std::string find_default_pipeline();

}  // namespace eegd::daemon
