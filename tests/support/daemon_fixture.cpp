#include "support/daemon_fixture.hpp"

#include <signal.h>

#include <algorithm>
#include <stdexcept>

namespace eegd::testing {

running_daemon::running_daemon(const std::string& pipeline_yaml, std::vector<std::string> extra_args)
    : extra_args_(std::move(extra_args)) {
  dir_.write("pipeline.yaml", pipeline_yaml);
  start({"--pipeline", dir_.file("pipeline.yaml")});
}

void running_daemon::stop(int stop_signal) {
  proc_->signal(stop_signal);
  proc_->wait(std::chrono::seconds(10));
  proc_.reset();
}

void running_daemon::start_from_saved_state() { start({}); }

void running_daemon::start(std::vector<std::string> pipeline_args) {
  std::vector<std::string> argv = {eegd_binary(), "serve", "--runtime-dir", runtime_dir(), "--state-dir", state_dir()};
  argv.insert(argv.end(), pipeline_args.begin(), pipeline_args.end());
  // The tests' own --http wins over this default when they give one.
  if (std::find(extra_args_.begin(), extra_args_.end(), "--http") == extra_args_.end())
    argv.insert(argv.end(), {"--http", "127.0.0.1:0"});
  argv.insert(argv.end(), extra_args_.begin(), extra_args_.end());
  proc_ = std::make_unique<process>(argv);
  if (!proc_->wait_for_output("listening on http://", std::chrono::seconds(20)))
    throw std::runtime_error("eegd did not start:\n" + proc_->out() + proc_->err());
  const auto info = nlohmann::json::parse(read_file(runtime_dir() + "/eegd.json"));
  url_ = info["http"];
  std::tie(host_, port_) = split_url(url_);
}

running_daemon::~running_daemon() {
  if (proc_) {
    proc_->signal(SIGTERM);
    proc_->wait(std::chrono::seconds(10));
  }
}

http_result running_daemon::get(const std::string& target, const std::map<std::string, std::string>& headers) const {
  return http_request(host_, port_, "GET", target, {}, headers);
}

http_result running_daemon::post(const std::string& target, const std::string& body,
                                 const std::map<std::string, std::string>& headers) const {
  return http_request(host_, port_, "POST", target, body, headers);
}

http_result running_daemon::request(const std::string& method, const std::string& target, const std::string& body,
                                     const std::map<std::string, std::string>& headers) const {
  return http_request(host_, port_, method, target, body, headers);
}

nlohmann::json running_daemon::status() const { return nlohmann::json::parse(get("/api/status").body); }

std::unique_ptr<ws_client> running_daemon::subscribe(const std::string& query, const ws_client::options& o) const {
  return std::make_unique<ws_client>(host_, port_, "/ws/data?" + query, o);
}

}  // namespace eegd::testing
