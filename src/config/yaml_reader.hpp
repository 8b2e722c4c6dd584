#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "config/pipeline_doc.hpp"
#include "core/stage_registry.hpp"

namespace eegd::config {

struct read_result {
  std::optional<pipeline_doc> doc;
  config_errors errors;  // every problem found, in file order
};

// Reads a pipeline from YAML text. `file` labels positions in messages;
// `base_dir` is where relative paths in it resolve. Checks everything that can
// be checked without building stages: shape, stage types, keys, value types,
// names and inputs.
read_result read_pipeline_yaml(std::string_view text, const std::string& file, const std::string& base_dir,
                               const core::stage_registry& registry, const doc_limits& limits = {});

// Reads a pipeline file; relative paths in it resolve against its folder.
read_result read_pipeline_file(const std::string& path, const core::stage_registry& registry,
                               const doc_limits& limits = {});

// The keys every stage takes besides its own parameters.
const std::vector<std::string>& common_stage_keys();

}  // namespace eegd::config
