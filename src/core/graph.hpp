#pragma once

// Pipeline topology, independent of how it was written down. The config layer
// turns YAML into a graph_spec; build_graph() checks the wiring, builds every
// stage in dependency order and works out what flows on each edge.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/edge_queue.hpp"
#include "core/runtime_stage.hpp"
#include "core/sensor_store.hpp"

namespace eegd::core {

enum class error_policy : std::uint8_t {
  fatal,            // stop the whole pipeline (orderly: drain, flush, join)
  drain_then_stop,  // stop this stage and what depends only on it; other branches go on
  skip_packet,      // drop the failed packet, count it, go on
};
const char* to_string(error_policy p) noexcept;

// The thread group a stage runs in when its pipeline names none.
const char* default_group(stage_role role) noexcept;

struct group_spec {
  std::string name;
  std::size_t threads = 1;
  std::vector<int> cpus;  // pin the group's threads to these CPUs (empty: no pinning)
  int rt_priority = 0;    // SCHED_FIFO priority, 0 for the normal scheduler
};

struct node_spec {
  std::string name;
  std::string type;
  std::unique_ptr<runtime_stage> stage;  // parameters already set
  std::vector<std::string> inputs;       // names of the stages feeding this one, in port order
  std::string group;                     // empty: acquire / dsp / sinks by role
  error_policy on_error = error_policy::fatal;
  queue_config queue;                    // for the queues in front of this stage
};

struct graph_spec {
  std::vector<node_spec> nodes;
  std::vector<group_spec> groups;
};

struct build_env {
  sensor_store* sensors = nullptr;
  topic_publisher* publisher = nullptr;
  recorder_registry* recorders = nullptr;
  std::string base_dir = ".";  // relative paths resolve against this
  bool dry_run = false;        // validate only: open nothing, start nothing
};

// What went wrong, and where in the spec: the config layer turns this into
// file:line:col.
struct build_error {
  std::optional<std::size_t> node;
  std::optional<std::size_t> input;  // index into that node's inputs
  std::string param;
  std::string message;
  bool from_stage = false;  // the stage's own build() said it (it does not know its name)
};

// A sink's demand switch: the sink flips it, the executor listens.
class demand_state final : public demand_signal {
 public:
  void set(bool wanted) noexcept override;
  bool wanted() const noexcept { return wanted_.load(std::memory_order_acquire); }
  void on_change(std::function<void()> callback);

 private:
  std::atomic<bool> wanted_{true};
  std::mutex mutex_;
  std::function<void()> callback_;
};

struct built_node {
  // Declared first so it is destroyed last: a stage (e.g. a websocket sink) may
  // hand it to others, who must be able to use it until the stage is gone.
  std::unique_ptr<demand_state> demand = std::make_unique<demand_state>();
  node_spec spec;
  std::vector<std::size_t> inputs;  // producer node indices, in port order
  stream_info output;
  std::string group;                // resolved
};

struct built_graph {
  std::vector<built_node> nodes;    // in dependency order: producers before consumers
  std::vector<group_spec> groups;   // every group a node uses
  std::size_t index_of(std::string_view name) const;  // nodes.size() when absent
};

struct build_result {
  std::optional<built_graph> graph;
  std::vector<build_error> errors;
};

build_result build_graph(graph_spec spec, const build_env& env);

}  // namespace eegd::core
