#include "support/daemon_fixture.hpp"

#include <signal.h>

#include <stdexcept>

namespace eegd::testing {

running_daemon::running_daemon(const std::string& pipeline_yaml, std::vector<std::string> extra_args) {
  dir_.write("pipeline.yaml", pipeline_yaml);
  std::vector<std::string> argv = {eegd_binary(),   "serve",          "--pipeline",        dir_.file("pipeline.yaml"),
                                   "--http",        "127.0.0.1:0",    "--runtime-dir",     runtime_dir(),
                                   "--state-dir",   state_dir()};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
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

nlohmann::json running_daemon::status() const { return nlohmann::json::parse(get("/api/status").body); }

std::unique_ptr<ws_client> running_daemon::subscribe(const std::string& query, const ws_client::options& o) const {
  return std::make_unique<ws_client>(host_, port_, "/ws/data?" + query, o);
}

}  // namespace eegd::testing
