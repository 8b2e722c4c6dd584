#pragma once

// The pipeline as JSON for the control plane: stages keyed by name with every
// parameter's effective value, so JSON Pointers read naturally
// (/stages/notch/hz). A JSON Patch is applied to this view and the result is
// read back into a document, which is then compared with the running one.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/pipeline_doc.hpp"
#include "core/stage_registry.hpp"

namespace eegd::config {

// Keys a stage object holds besides its parameters.
const std::vector<std::string>& view_stage_keys();

nlohmann::json to_view(const pipeline_doc& doc, const core::stage_registry& registry);

// A view (typically after a patch) back to a document. Errors name the JSON
// Pointer they are about, in `param` as "/stages/notch/hz".
struct view_read {
  std::optional<pipeline_doc> doc;
  config_errors errors;
};
view_read from_view(const nlohmann::json& view, const core::stage_registry& registry, const std::string& file,
                    const std::string& base_dir);

// How two documents differ, as the control plane needs to know it.
struct param_change {
  std::string stage, param;
  param_value value;
  bool live = false;
};
struct doc_difference {
  std::vector<param_change> params;  // parameter values that changed, on stages present in both
  std::vector<std::string> structure;  // everything else, in words ("stage 'x' added", "inputs of 'y'")
  bool any() const { return !params.empty() || !structure.empty(); }
};
doc_difference compare(const pipeline_doc& before, const pipeline_doc& after, const core::stage_registry& registry);

}  // namespace eegd::config
