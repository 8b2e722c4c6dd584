#include "daemon/pipeline_control.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>

#include "config/param_json.hpp"
#include "config/pipeline_builder.hpp"
#include "config/pipeline_view.hpp"
#include "config/yaml_reader.hpp"

namespace eegd::daemon {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

bool valid_preset_name(const std::string& name) {
  return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

json error_json(const config::config_error& e) {
  json j = {{"error", e.message}, {"file", e.where.file}, {"line", e.where.line}, {"col", e.where.col}};
  if (!e.param.empty()) j["param"] = e.param;
  return j;
}

}  // namespace

pipeline_control::pipeline_control(const core::stage_registry& registry, pipeline_host& host, std::string state_dir,
                                   std::string presets_dir)
    : registry_(registry), host_(host), state_dir_(std::move(state_dir)), presets_dir_(std::move(presets_dir)) {}

config::pipeline_doc pipeline_control::merged_locked() const {
  config::pipeline_doc doc = *base_;
  for (auto& s : doc.stages) {
    auto it = overrides_.find(s.name);
    if (it == overrides_.end()) continue;
    for (const auto& [param, value] : it->second) s.set_param(param, value);
  }
  return doc;
}

std::optional<config::pipeline_doc> pipeline_control::merged() const {
  std::lock_guard lock(mutex_);
  if (!base_) return std::nullopt;
  return merged_locked();
}

control_outcome pipeline_control::errors_outcome(const config::config_errors& errors, int status) const {
  json body = errors.empty() ? json{{"error", "rejected"}} : error_json(errors.front());
  json all = json::array();
  for (const auto& e : errors) all.push_back(error_json(e));
  body["errors"] = std::move(all);
  return {status, std::move(body)};
}

config::config_errors pipeline_control::load(config::pipeline_doc base) {
  std::lock_guard lock(mutex_);
  auto errors = host_.start(base);
  if (errors.empty()) {
    base_ = std::move(base);
    overrides_.clear();
  }
  return errors;
}

std::optional<std::string> pipeline_control::locked_stage() const {
  std::optional<std::string> by;
  host_.with_executor([&](core::executor& exec) {
    for (const auto& n : exec.graph().nodes)
      if (!by) by = exec.locked_downstream(n.spec.name);
  });
  return by;
}

control_outcome pipeline_control::start_locked(config::pipeline_doc doc, bool keep_overrides) {
  if (base_) {
    // Restarting tears down every branch, including one that records.
    if (auto by = locked_stage())
      return {409, {{"error", "locked"}, {"by", *by}, {"detail", "stop the recording before restarting"}}};
  }
  auto errors = host_.start(doc);
  if (!errors.empty()) return errors_outcome(errors);
  const std::string name = doc.name;
  if (!keep_overrides) {
    base_ = std::move(doc);
    overrides_.clear();
  }
  return {200, {{"ok", true}, {"name", name}, {"state", "running"}}};
}

control_outcome pipeline_control::start_yaml(const std::string& yaml) {
  auto read = config::read_pipeline_yaml(yaml, "<request>", state_dir_, registry_);
  if (!read.doc) return errors_outcome(read.errors);
  control_outcome out;
  {
    std::lock_guard lock(mutex_);
    out = start_locked(std::move(*read.doc), false);
  }
  notify_change();
  return out;
}

control_outcome pipeline_control::restart() {
  control_outcome out;
  {
    std::lock_guard lock(mutex_);
    if (!base_) return {409, {{"error", "no pipeline was loaded yet: post one"}}};
    out = start_locked(merged_locked(), true);
  }
  notify_change();
  return out;
}

control_outcome pipeline_control::start_preset(const std::string& name) {
  if (!valid_preset_name(name)) return {400, {{"error", "a preset name is letters, digits, '_' and '-'"}}};
  const std::string path = presets_dir_ + "/" + name + ".yaml";
  if (presets_dir_.empty() || !fs::exists(path)) {
    std::string known;
    for (const auto& p : presets()) known += (known.empty() ? "" : ", ") + p;
    return {404, {{"error", "no preset '" + name + "'" + (known.empty() ? "" : "; presets: " + known)}}};
  }
  auto read = config::read_pipeline_file(path, registry_);
  if (!read.doc) return errors_outcome(read.errors);
  control_outcome out;
  {
    std::lock_guard lock(mutex_);
    out = start_locked(std::move(*read.doc), false);
  }
  notify_change();
  return out;
}

control_outcome pipeline_control::shutdown() {
  bool stopped = false;
  {
    std::lock_guard lock(mutex_);
    if (auto by = locked_stage()) return {409, {{"error", "locked"}, {"by", *by}, {"detail", "stop the recording first"}}};
    stopped = host_.stop();
  }
  notify_change();
  if (!stopped) return {500, {{"error", "the pipeline did not stop in time"}}};
  return {200, {{"state", "stopped"}}};
}

control_outcome pipeline_control::patch(const json& operations, bool restart_allowed) {
  control_outcome out;
  {
    std::lock_guard lock(mutex_);
    if (!base_) return {409, {{"error", "no pipeline was loaded yet"}}};
    if (!operations.is_array()) return {400, {{"error", "a JSON Patch is an array of operations"}}};
    const config::pipeline_doc current = merged_locked();
    const json before = config::to_view(current, registry_);
    json after;
    try {
      after = before.patch(operations);
    } catch (const json::exception& e) {
      return {400, {{"error", std::string("patch does not apply: ") + e.what()}}};
    }
    auto read = config::from_view(after, registry_, "<patch>", current.base_dir);
    if (!read.doc) {
      auto o = errors_outcome(read.errors);
      o.body["param"] = read.errors.front().param;
      return o;
    }
    const config::doc_difference diff = config::compare(current, *read.doc, registry_);
    if (!diff.any()) {
      // Only metadata (name, description) or nothing changed.
      base_->name = read.doc->name;
      base_->description = read.doc->description;
      return {200, {{"ok", true}, {"applied", json::array()}}};
    }

    // A trial build checks every value against its range and what single values
    // cannot show (hz above Nyquist...): a wrong value is a 400 before any talk
    // of restarts.
    core::sensor_store scratch;
    core::build_env env;
    env.sensors = &scratch;
    env.dry_run = true;
    auto trial = config::build_pipeline(*read.doc, registry_, env);
    if (!trial.graph) {
      auto o = errors_outcome(trial.errors);
      const auto& e = trial.errors.front();
      for (const auto& s : read.doc->stages)
        if (e.message.find("'" + s.name + "'") != std::string::npos) o.body["stage"] = s.name;
      return o;
    }

    std::vector<std::string> needs_restart = diff.structure;
    for (const auto& c : diff.params)
      if (!c.live) needs_restart.push_back("'" + c.param + "' of '" + c.stage + "' is not live");
    if (!needs_restart.empty() && !restart_allowed) {
      std::string why;
      for (const auto& r : needs_restart) why += (why.empty() ? "" : "; ") + r;
      return {409, {{"error", "restart needed: " + why}, {"restart_needed", true}, {"reasons", needs_restart}}};
    }

    // Locks: nothing reaching a locked stage may change.
    std::optional<std::string> locked_by;
    if (!needs_restart.empty()) locked_by = locked_stage();
    host_.with_executor([&](core::executor& exec) {
      for (const auto& c : diff.params)
        if (!locked_by) locked_by = exec.locked_downstream(c.stage);
    });
    if (locked_by) return {409, {{"error", "locked"}, {"by", *locked_by}}};

    json applied = json::array();
    for (const auto& c : diff.params) applied.push_back({{"stage", c.stage}, {"param", c.param}, {"value", config::param_to_json(c.value)}});

    if (!needs_restart.empty()) {
      out = start_locked(std::move(*read.doc), false);
      if (out.status == 200) out.body["restarted"] = true;
    } else if (host_.describe().state != core::pipeline_state::running) {
      // Nothing runs: the change waits for the next start.
      for (const auto& c : diff.params) overrides_[c.stage][c.param] = c.value;
      out = {200, {{"ok", true}, {"applies_at_next_start", true}}};
    } else {
      // Live: grouped per stage, applied on each stage's own thread between packets.
      std::map<std::string, std::vector<std::pair<std::string, param_value>>> by_stage;
      for (const auto& c : diff.params) by_stage[c.stage].emplace_back(c.param, c.value);
      std::string failure;
      host_.with_executor([&](core::executor& exec) {
        for (auto& [stage, changes] : by_stage) {
          if (status s = exec.apply_live(stage, changes); !s) failure = s.err().message;
        }
      });
      if (!failure.empty()) return {503, {{"error", failure}}};
      for (const auto& c : diff.params) overrides_[c.stage][c.param] = c.value;
      out = {200, {{"ok", true}}};
    }
    out.body["applied"] = std::move(applied);
  }
  notify_change();
  return out;
}

json pipeline_control::overrides_json() const {
  json o = json::object();
  for (const auto& [stage, params] : overrides_)
    for (const auto& [param, value] : params) o[stage][param] = config::param_to_json(value);
  return o;
}

json pipeline_control::view() const {
  const auto state = host_.describe();
  json v;
  {
    std::lock_guard lock(mutex_);
    if (!base_) {
      v = {{"stages", json::object()}, {"order", json::array()}, {"groups", json::object()}};
    } else {
      v = config::to_view(merged_locked(), registry_);
      v["overrides"] = overrides_json();
    }
  }
  v["state"] = state.loaded ? core::to_string(state.state) : "none";
  v["failure"] = state.failure;
  v["demand"] = core::to_string(state.demand);
  return v;
}

std::vector<std::string> pipeline_control::presets() const {
  std::vector<std::string> out;
  std::error_code ec;
  if (presets_dir_.empty()) return out;
  for (const auto& f : fs::directory_iterator(presets_dir_, ec))
    if (f.path().extension() == ".yaml" && valid_preset_name(f.path().stem().string()))
      out.push_back(f.path().stem().string());
  std::sort(out.begin(), out.end());
  return out;
}

void pipeline_control::on_change(std::function<void()> callback) {
  std::lock_guard lock(callback_mutex_);
  on_change_ = std::move(callback);
}

void pipeline_control::notify_change() {
  std::function<void()> cb;
  {
    std::lock_guard lock(callback_mutex_);
    cb = on_change_;
  }
  if (cb) cb();
}

}  // namespace eegd::daemon
