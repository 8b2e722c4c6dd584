#include "daemon/http_api.hpp"

#include "daemon/http_util.hpp"
#include "daemon/metrics.hpp"
#include "daemon/process_stats.hpp"
#include "daemon/static_files.hpp"
#include "observe/stats_json.hpp"

namespace eegd::daemon {

using nlohmann::json;

namespace {

double seconds_since(std::int64_t monotonic_start_ns) {
  return static_cast<double>(monotonic_ns() - monotonic_start_ns) * 1e-9;
}

// Shown when the browser UI is not built (web/dist missing).
const char* index_html = R"(<!doctype html>
<meta charset="utf-8"><title>eegd</title>
<h1>eegd</h1>
<ul>
<li><a href="/api/status">/api/status</a>: daemon and pipeline state</li>
<li><a href="/api/topics">/api/topics</a>: WebSocket topics (connect to /ws/data?topic=NAME)</li>
<li><a href="/api/pipeline">/api/pipeline</a>: the running pipeline (PATCH to change it)</li>
<li><a href="/api/stages">/api/stages</a>: stage types and parameters</li>
<li><a href="/api/sessions">/api/sessions</a>: recorded sessions (POST to start one)</li>
<li><a href="/metrics">/metrics</a>: Prometheus metrics</li>
</ul>
)";

}  // namespace

response http_api::handle(const request& req) {
  try {
    return route(req, parse_target(to_std(req.target())));
  } catch (const std::exception& e) {
    return error_response(req, http::status::internal_server_error, std::string("internal error: ") + e.what());
  }
}

response http_api::route(const request& req, const target& t) {
  const bool get = req.method() == http::verb::get || req.method() == http::verb::head;
  auto only_get = [&]() { return error_response(req, http::status::method_not_allowed, "use GET"); };
  if (t.path == "/api/status") return get ? json_response(req, http::status::ok, status_json()) : only_get();
  if (t.path == "/api/topics") return get ? json_response(req, http::status::ok, topics_json()) : only_get();
  if (auto r = route_control(req, t)) return std::move(*r);
  if (auto r = route_sessions(req, t)) return std::move(*r);
  if (t.path == "/metrics") {
    if (!get) return only_get();
    return text_response(req, http::status::ok,
                         render_metrics(ctx_.pipeline, ctx_.topics, ctx_.version, seconds_since(ctx_.started_monotonic_ns)),
                         "text/plain; version=0.0.4");
  }
  if (get && !t.path.starts_with("/api/") && !t.path.starts_with("/ws/")) {
    if (auto file = static_files(ctx_.web_root).serve(req, t.path)) return std::move(*file);
    if (t.path == "/") return text_response(req, http::status::ok, index_html, "text/html; charset=utf-8");
  }
  if (t.path.starts_with("/ws/"))
    return error_response(req, http::status::upgrade_required, "this endpoint speaks WebSocket");
  return error_response(req, http::status::not_found, "no such endpoint: " + t.path);
}

json http_api::status_json() const {
  const auto p = read_process_stats();
  const auto view = ctx_.pipeline.describe();
  json pipeline = {{"state", view.loaded ? core::to_string(view.state) : "none"},
                   {"failure", view.failure},
                   {"name", view.name},
                   {"file", view.file}};
  json stages = json::array();
  std::uint64_t edge_drops = 0;
  ctx_.pipeline.with_executor([&](core::executor& exec) {
    const auto s = exec.stats();
    edge_drops = observe::total_drops(s);
    const json full = observe::stats_to_json(exec, s);
    pipeline["data_s"] = full["data_s"];
    pipeline["latency_ns"] = full["latency_ns"];
    for (const auto& st : full["stages"]) {
      json brief = {{"name", st["name"]},       {"type", st["type"]},         {"state", st["state"]},
                    {"demanded", st["demanded"]}, {"packets_in", st["packets_in"]}, {"packets_out", st["packets_out"]},
                    {"errors", st["errors"]}};
      if (st.contains("last_error")) brief["last_error"] = st["last_error"];
      if (st.contains("status")) brief["status"] = st["status"];
      stages.push_back(std::move(brief));
    }
  });
  pipeline["stages"] = std::move(stages);
  std::uint64_t client_drops = 0;
  for (const auto& c : ctx_.topics.clients()) client_drops += c.dropped;
  const auto ws = ctx_.topics.latency();
  return {{"version", ctx_.version},
          {"pid", ::getpid()},
          {"uptime_s", seconds_since(ctx_.started_monotonic_ns)},
          {"http", ctx_.http_url},
          {"pipeline", std::move(pipeline)},
          {"demand", core::to_string(view.demand)},
          {"session", ctx_.sessions.current()},
          {"clients", ctx_.topics.client_count()},
          {"drops", {{"queues", edge_drops}, {"clients", client_drops}}},
          {"ws_latency_ns", observe::quantiles_json(ws)},
          {"process", {{"cpu_s", p.cpu_seconds}, {"rss_bytes", p.rss_bytes}, {"threads", p.threads}}}};
}

json http_api::topics_json() const {
  json out = json::array();
  for (const auto& t : ctx_.topics.topics())
    out.push_back({{"topic", t.name},
                   {"stage", t.stage},
                   {"active", t.active},
                   {"clients", t.clients},
                   {"kind", t.kind},
                   {"rate_hz", t.rate_hz},
                   {"channels", t.channels},
                   {"meta_rev", t.meta_rev},
                   {"packets", t.packets},
                   {"frames", t.frames}});
  return out;
}

}  // namespace eegd::daemon
