#pragma once

// Starts a real `eegd serve` on a free port with its own runtime and state
// directories, and talks to it.

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

#include "support/http_client.hpp"
#include "support/process.hpp"
#include "support/ws_client.hpp"

namespace eegd::testing {

class running_daemon {
 public:
  // Writes `pipeline_yaml` to pipeline.yaml in a fresh directory and serves it.
  explicit running_daemon(const std::string& pipeline_yaml, std::vector<std::string> extra_args = {});
  ~running_daemon();

  http_result get(const std::string& target, const std::map<std::string, std::string>& headers = {}) const;
  http_result post(const std::string& target, const std::string& body,
                   const std::map<std::string, std::string>& headers = {}) const;
  http_result request(const std::string& method, const std::string& target, const std::string& body = {},
                      const std::map<std::string, std::string>& headers = {}) const;
  // Stops the daemon with `stop_signal` (SIGTERM: cleanly; SIGKILL: as a crash
  // or power cut would).
  void stop(int stop_signal);
  // Starts it again on the same runtime and state directories without
  // --pipeline, so it comes back with what it saved.
  void start_from_saved_state();
  void restart_from_saved_state(int stop_signal) {
    stop(stop_signal);
    start_from_saved_state();
  }
  nlohmann::json status() const;
  std::unique_ptr<ws_client> subscribe(const std::string& query, const ws_client::options& o = {}) const;

  process& proc() { return *proc_; }
  const temp_dir& dir() const { return dir_; }
  std::string runtime_dir() const { return dir_.file("run"); }
  std::string state_dir() const { return dir_.file("state"); }
  const std::string& url() const { return url_; }
  const std::string& host() const { return host_; }
  unsigned port() const { return port_; }

 private:
  void start(std::vector<std::string> argv);

  temp_dir dir_;
  std::vector<std::string> extra_args_;
  std::unique_ptr<process> proc_;
  std::string url_, host_;
  unsigned port_ = 0;
};

}  // namespace eegd::testing
