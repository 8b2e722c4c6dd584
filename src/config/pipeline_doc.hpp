#pragma once

// A pipeline as its author wrote it: what was given, and where. Read from YAML
// (yaml_reader), turned into a runnable graph (instantiate), and later shown as
// JSON, patched and saved back. Values not given stay absent, so a saved file
// keeps following the defaults of newer versions.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/position.hpp"
#include "core/graph.hpp"
#include "eegd/params.hpp"

namespace eegd::config {

struct param_entry {
  std::string name;
  param_value value;
  position key_at;
  position value_at;
};

struct queue_doc {
  std::optional<std::size_t> capacity;
  std::optional<core::overflow_policy> overflow;
  std::optional<double> block_timeout_ms;
  position at;
};

struct stage_doc {
  std::string type;
  std::string name;  // always set: explicit, or derived from the type
  bool name_given = false;
  std::vector<param_entry> params;  // only those written down, in order
  std::vector<std::string> inputs;  // always set for non-sources
  bool inputs_given = false;
  std::string group;                // empty: the role's default group
  std::optional<core::error_policy> on_error;
  queue_doc queue;

  position at;            // the list item
  position type_at;       // its type key
  position name_at;
  std::vector<position> input_at;  // one per given input
  position group_at;
  position on_error_at;

  const param_entry* find_param(std::string_view param) const;
  // Sets a parameter, replacing a written value (positions then refer to
  // where the old value was written).
  void set_param(const std::string& param, param_value value);
};

struct group_doc {
  std::string name;
  std::size_t threads = 1;
  std::vector<int> cpus;
  int priority = 0;
  position at;
};

struct pipeline_doc {
  std::string file;      // label used in messages
  std::string base_dir;  // relative paths resolve against this
  std::string name;
  std::string description;
  std::vector<group_doc> groups;
  std::vector<stage_doc> stages;
  position stages_at;

  const stage_doc* find_stage(std::string_view stage) const;
};

// Limits on what a pipeline file may hold; they keep hostile input cheap.
struct doc_limits {
  std::size_t max_bytes = 1 << 20;
  std::size_t max_stages = 1024;
  std::size_t max_depth = 32;          // nesting of YAML collections
  std::size_t max_list_items = 4096;   // per list parameter
  std::size_t max_matrix_values = 65536;
};

}  // namespace eegd::config
