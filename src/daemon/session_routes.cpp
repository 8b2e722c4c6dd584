// The study-session endpoints of http_api (see docs/api.md and docs/recording.md).

#include <set>

#include "config/yaml_writer.hpp"
#include "daemon/http_api.hpp"
#include "daemon/http_util.hpp"
#include "observe/stats_json.hpp"

namespace eegd::daemon {

using nlohmann::json;

namespace {

json sensor_json(const sensor_meta& m) {
  return {{"sensor_id", m.sensor_id}, {"meta_rev", m.meta_rev},         {"device", m.device},
          {"rate_hz", m.rate_hz},     {"channel_names", m.channel_names}, {"gain", m.gain},
          {"vref_v", m.vref_v},       {"uv_per_count", m.uv_per_count},   {"resolution_bits", m.resolution_bits}};
}

}  // namespace

bool http_api::changes_sessions(const request& req) {
  return req.method() == http::verb::post && to_std(req.target()).starts_with("/api/sessions");
}

json http_api::running_sensors() const {
  json out = json::array();
  std::set<std::uint32_t> seen;
  ctx_.pipeline.with_executor([&](core::executor& exec) {
    for (const auto& n : exec.graph().nodes)
      if (n.output.sensor && seen.insert(n.output.sensor->sensor_id).second) out.push_back(sensor_json(*n.output.sensor));
  });
  return out;
}

json http_api::pipeline_drops() const {
  json drops = {{"queues", 0}};
  ctx_.pipeline.with_executor([&](core::executor& exec) { drops["queues"] = observe::total_drops(exec.stats()); });
  return drops;
}

std::optional<response> http_api::route_sessions(const request& req, const target& t) {
  if (!t.path.starts_with("/api/sessions")) return std::nullopt;
  const bool get = req.method() == http::verb::get || req.method() == http::verb::head;
  const bool post = req.method() == http::verb::post;
  recording_sessions& sessions = ctx_.sessions;
  auto outcome = [&](control_outcome out) { return json_response(req, static_cast<http::status>(out.status), out.body); };
  auto body_object = [&]() -> std::optional<json> {
    if (req.body().find_first_not_of(" \t\r\n") == std::string::npos) return json::object();
    json j = json::parse(req.body(), nullptr, false);
    if (j.is_discarded() || !j.is_object()) return std::nullopt;
    return j;
  };

  if (t.path == "/api/sessions") {
    if (get) return json_response(req, http::status::ok, sessions.list());
    if (!post) return error_response(req, http::status::method_not_allowed, "use GET, or POST to start a session");
    const auto body = body_object();
    if (!body) return error_response(req, http::status::bad_request, "the body is not a JSON object {participant, notes}");
    const json participant = body->value("participant", json(""));
    const json notes = body->value("notes", json(""));
    if (!participant.is_string() || !notes.is_string())
      return error_response(req, http::status::bad_request, "'participant' and 'notes' are strings");
    recording_sessions::start_request r;
    r.participant = participant.get<std::string>();
    r.notes = notes.get<std::string>();
    if (auto doc = ctx_.hub.control().merged()) r.pipeline_yaml = "# The pipeline as it ran for this session.\n" + config::to_yaml(*doc, true);
    r.sensors = running_sensors();
    auto out = sessions.start(r);
    if (out.status == 201) ctx_.hub.control().notify_change();  // the recorder is locked now
    return outcome(std::move(out));
  }
  if (t.path == "/api/sessions/current") {
    if (!get) return error_response(req, http::status::method_not_allowed, "use GET");
    json c = sessions.current();
    if (!c.contains("current")) return json_response(req, http::status::not_found, {{"error", "no session is open"}});
    return json_response(req, http::status::ok, c["current"]);
  }
  if (t.path == "/api/sessions/current/stop") {
    if (!post) return error_response(req, http::status::method_not_allowed, "use POST");
    auto out = sessions.stop(pipeline_drops());
    if (out.status == 200) ctx_.hub.control().notify_change();
    return outcome(std::move(out));
  }
  if (t.path == "/api/sessions/current/markers") {
    if (!post) return error_response(req, http::status::method_not_allowed, "use POST");
    const auto body = body_object();
    if (!body || !body->contains("text") || !(*body)["text"].is_string())
      return error_response(req, http::status::bad_request, "the body is {\"text\": \"what happened\"}");
    return outcome(sessions.mark((*body)["text"].get<std::string>()));
  }
  return error_response(req, http::status::not_found, "no such endpoint: " + t.path);
}

}  // namespace eegd::daemon
