#pragma once

// The daemon's HTTP endpoints as plain functions of a parsed request: no
// sockets here, so they can be tested and fuzzed directly.

#include <optional>
#include <string>

#include "core/stage_registry.hpp"
#include "daemon/access_policy.hpp"
#include "daemon/broker.hpp"
#include "daemon/control_hub.hpp"
#include "daemon/http_util.hpp"
#include "daemon/net.hpp"
#include "daemon/pipeline_host.hpp"
#include "daemon/recording_sessions.hpp"

namespace eegd::daemon {

struct daemon_context {
  broker& topics;
  pipeline_host& pipeline;
  const core::stage_registry& registry;
  control_hub& hub;
  recording_sessions& sessions;
  access_policy policy;
  request_limits limits;
  std::string version;
  std::string http_url;
  std::string runtime_dir, state_dir;
  std::int64_t started_monotonic_ns = 0;
  std::string web_root;  // the browser UI; empty: a small index page instead
};

class http_api {
 public:
  explicit http_api(daemon_context& ctx) : ctx_(ctx) {}

  // Answers an HTTP request that is not a WebSocket upgrade.
  response handle(const request& req);
  // Requests that change the pipeline may take a second: the session runs
  // them on the control thread instead of an io thread.
  static bool changes_pipeline(const request& req);
  // Starting and stopping a session opens and closes files (fsync): the
  // control thread's job too.
  static bool changes_sessions(const request& req);

  nlohmann::json status_json() const;
  nlohmann::json topics_json() const;

 private:
  response route(const request& req, const target& t);
  std::optional<response> route_control(const request& req, const target& t);
  std::optional<response> route_sessions(const request& req, const target& t);
  nlohmann::json running_sensors() const;
  nlohmann::json pipeline_drops() const;
  daemon_context& ctx_;
};

}  // namespace eegd::daemon
