#pragma once

#include <optional>

#include "config/pipeline_doc.hpp"
#include "core/graph.hpp"
#include "core/stage_registry.hpp"

namespace eegd::config {

struct build_outcome {
  std::optional<core::built_graph> graph;
  config_errors errors;
};

// Creates the stages a document describes, gives them their parameters and
// builds the graph (stage build() included). Every error points at the line
// and column it comes from. `env.base_dir` is taken from the document.
build_outcome build_pipeline(const pipeline_doc& doc, const core::stage_registry& registry, core::build_env env);

}  // namespace eegd::config
