#pragma once

// The pipeline's control plane: what is running (a base document plus the
// parameters changed live since), and every way to change it. REST handlers and
// /ws/control sessions call it; it answers with an HTTP status and a JSON body
// so both speak the same errors.
//
//   base YAML -> live overrides -> pipeline.yaml saved on clean shutdown
//   "restart current" keeps the overrides; loading a preset or new YAML drops them.

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/pipeline_doc.hpp"
#include "core/stage_registry.hpp"
#include "daemon/pipeline_host.hpp"

namespace eegd::daemon {

struct control_outcome {
  int status = 200;
  nlohmann::json body;
};

class pipeline_control {
 public:
  pipeline_control(const core::stage_registry& registry, pipeline_host& host, std::string state_dir,
                   std::string presets_dir);

  // Makes `base` the pipeline (overrides cleared) and starts it.
  config::config_errors load(config::pipeline_doc base);

  control_outcome start_yaml(const std::string& yaml);  // POST /api/pipeline/start with a body
  control_outcome restart();                            // ... with an empty body
  control_outcome start_preset(const std::string& name);
  control_outcome shutdown();
  // A JSON Patch (RFC 6902) against view(). `restart` allows changes that need one.
  control_outcome patch(const nlohmann::json& operations, bool restart);

  nlohmann::json view() const;  // the merged view plus state, failure, demand, overrides
  std::vector<std::string> presets() const;
  // Base plus overrides: what is saved as the state's pipeline.yaml.
  std::optional<config::pipeline_doc> merged() const;

  // Called after anything that changes view() (from any thread; keep it short).
  void on_change(std::function<void()> callback);
  void notify_change();

 private:
  config::pipeline_doc merged_locked() const;
  control_outcome start_locked(config::pipeline_doc doc, bool keep_overrides);
  // A stage of the running pipeline that refuses to be torn down (a recorder
  // while it records), if any: what a restart or a stop must ask first.
  std::optional<std::string> locked_stage() const;
  control_outcome errors_outcome(const config::config_errors& errors, int status = 400) const;
  nlohmann::json overrides_json() const;

  const core::stage_registry& registry_;
  pipeline_host& host_;
  const std::string state_dir_;
  const std::string presets_dir_;

  mutable std::mutex mutex_;  // one control operation at a time
  std::optional<config::pipeline_doc> base_;
  std::map<std::string, std::map<std::string, param_value>> overrides_;  // stage -> param -> value

  std::mutex callback_mutex_;
  std::function<void()> on_change_;
};

}  // namespace eegd::daemon
