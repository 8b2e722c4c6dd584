// The pipeline-control endpoints of http_api (see docs/api.md).

#include "config/param_json.hpp"
#include "daemon/http_api.hpp"
#include "daemon/http_util.hpp"

namespace eegd::daemon {

using nlohmann::json;

namespace {

bool is_blank(std::string_view s) {
  return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

bool truthy(const std::string& v) { return v == "1" || v == "true" || v == "yes"; }

response outcome_response(const request& req, control_outcome out) {
  return json_response(req, static_cast<http::status>(out.status), out.body);
}

}  // namespace

bool http_api::changes_pipeline(const request& req) {
  if (req.method() != http::verb::post && req.method() != http::verb::patch) return false;
  const auto t = to_std(req.target());
  return t.starts_with("/api/pipeline");
}

std::optional<response> http_api::route_control(const request& req, const target& t) {
  const bool get = req.method() == http::verb::get || req.method() == http::verb::head;
  const bool post = req.method() == http::verb::post;
  pipeline_control& control = ctx_.hub.control();

  if (t.path == "/api/stages") {
    if (!get) return error_response(req, http::status::method_not_allowed, "use GET");
    return json_response(req, http::status::ok, config::registry_to_json(ctx_.registry));
  }
  if (t.path == "/api/presets") {
    if (!get) return error_response(req, http::status::method_not_allowed, "use GET");
    return json_response(req, http::status::ok, control.presets());
  }
  if (t.path == "/api/pipeline") {
    if (get) return json_response(req, http::status::ok, control.view());
    if (req.method() != http::verb::patch)
      return error_response(req, http::status::method_not_allowed, "use GET, or PATCH with a JSON Patch");
    const json ops = json::parse(req.body(), nullptr, false);
    if (ops.is_discarded())
      return error_response(req, http::status::bad_request, "the body is not JSON (a JSON Patch is a list of operations)");
    auto out = control.patch(ops, truthy(t.get("restart")));
    if (out.status == 200) out.body["view"] = control.view();
    return outcome_response(req, std::move(out));
  }
  if (t.path == "/api/pipeline/start") {
    if (!post) return error_response(req, http::status::method_not_allowed, "use POST");
    if (const std::string preset = t.get("preset"); !preset.empty()) return outcome_response(req, control.start_preset(preset));
    if (is_blank(req.body())) return outcome_response(req, control.restart());
    return outcome_response(req, control.start_yaml(req.body()));
  }
  if (t.path == "/api/pipeline/shutdown") {
    if (!post) return error_response(req, http::status::method_not_allowed, "use POST");
    return outcome_response(req, control.shutdown());
  }
  return std::nullopt;
}

}  // namespace eegd::daemon
