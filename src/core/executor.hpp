#pragma once

// Runs a built graph: thread-per-group, bounded queues between threads,
// direct calls within a thread, error policies, demand, orderly shutdown.
//
// Threads. Each group has `threads` worker threads; each source gets a thread
// of its own in its group (sources may block waiting for hardware). A stage
// runs on the thread of its first input when that input is in the same group
// (a direct call, no queue); otherwise on the group's next worker in turn.
// Every edge between two threads is a bounded edge_queue with the consumer's
// overflow policy.
//
// Shutdown. request_stop() stops the sources; each source's end of stream then
// flows down the graph behind the packets already in flight: a stage ends once
// all its inputs ended and their queues are empty, calls finish() (flush,
// close), and passes the end on. Threads exit when all their stages ended.

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/graph.hpp"
#include "core/histogram.hpp"
#include "core/packet_pool.hpp"

namespace eegd::core {

enum class pipeline_state : std::uint8_t { created, running, stopping, stopped, failed };
const char* to_string(pipeline_state s) noexcept;

// Which sinks want data: none (idle: sources paused), some (basic), all (full).
enum class demand_level : std::uint8_t { idle, basic, full };
const char* to_string(demand_level d) noexcept;

enum class node_state : std::uint8_t { running, ended, stopped };
const char* to_string(node_state s) noexcept;

struct executor_options {
  // Stop each source after this much data (its own frames / rate); < 0: no limit.
  std::int64_t duration_ns = -1;
};

// One figure a stage reports about itself (see eegd::status_writer).
struct stage_figure {
  std::string key;
  std::optional<double> number;
  std::string text;
  std::string unit;
};

struct node_stats {
  std::string name, type, group;
  stage_role role = stage_role::transform;
  node_state state = node_state::running;
  bool demanded = true;
  std::uint64_t packets_in = 0, frames_in = 0, packets_out = 0, frames_out = 0;
  std::uint64_t errors = 0, skipped = 0;
  std::uint64_t process_ns = 0;         // time inside the stage's own code
  histogram::snapshot process;          // per call
  histogram::snapshot latency;          // sinks: source emission -> receipt
  packet_pool::stats pool;
  std::string last_error;
  std::vector<stage_figure> figures;
};

struct edge_stats {
  std::string from, to;
  std::size_t port = 0;
  bool direct = false;  // same thread: a call, no queue
  overflow_policy policy = overflow_policy::block;
  std::size_t capacity = 0, depth = 0;
  edge_queue::counters counters;
};

struct thread_stats {
  std::string group;
  std::string role;             // "source:<name>" or "worker"
  std::uint64_t cpu_ns = 0;     // thread CPU time
  std::uint64_t busy_ns = 0;    // wall time awake
  std::uint64_t stage_ns = 0;   // wall time inside stage code
  std::uint64_t framework_ns = 0;  // wall time in the framework's own code
  std::uint64_t wake_ns = 0;    // waking other threads (futex syscalls)
  std::uint64_t wakes = 0;
  std::uint64_t blocked_ns = 0; // waiting for room in a full queue (block policy)
  std::uint64_t hops = 0;       // packets taken from queues or produced
  histogram::snapshot hop_overhead;  // framework time per hop
};

struct executor_stats {
  pipeline_state state = pipeline_state::created;
  std::string failure;
  demand_level demand = demand_level::full;
  std::int64_t wall_ns = 0;
  std::uint64_t source_packets = 0;
  std::vector<node_stats> nodes;
  std::vector<edge_stats> edges;
  std::vector<thread_stats> threads;
};

struct node_runtime;
struct worker;

class executor {
 public:
  explicit executor(built_graph graph, executor_options options = {});
  ~executor();
  executor(const executor&) = delete;
  executor& operator=(const executor&) = delete;

  void start();
  void request_stop() noexcept;
  // Waits until every thread ended (true) or the deadline (CLOCK_MONOTONIC ns) passed.
  bool wait_until(std::int64_t deadline_ns);
  void wait();

  pipeline_state state() const noexcept;
  std::string failure() const;
  demand_level demand() const noexcept;
  executor_stats stats() const;
  const built_graph& graph() const noexcept { return graph_; }

  // Sets already-validated live parameters on a running stage. They are applied
  // on the stage's own thread between two packets; returns once applied, or an
  // error when the stage is not running or did not respond before the deadline.
  status apply_live(std::string_view stage, std::vector<std::pair<std::string, param_value>> changes,
                    std::int64_t timeout_ns = 2'000'000'000);
  // The first locked stage at or downstream of `stage`, if any.
  std::optional<std::string> locked_downstream(std::string_view stage) const;
  // Called (from any thread) whenever state() or demand() changes.
  void on_change(std::function<void()> callback);

 private:
  friend class node_emitter;

  void wire();
  void run_source(worker& w);
  void run_worker(worker& w);
  void setup_thread(worker& w);
  void deliver(worker& w, node_runtime& n, std::size_t port, const packet_ref& p);
  void forward(node_runtime& n, packet_ref p);
  void handle_error(node_runtime& n, std::string reason);
  void end_node(node_runtime& n, node_state final_state);
  void input_ended(node_runtime& n, std::size_t port);
  void apply_pending_live(node_runtime& n);
  void recompute_demand();
  void fail(std::string reason);
  void thread_done();
  void notify_change();

  built_graph graph_;
  executor_options options_;
  std::vector<std::unique_ptr<node_runtime>> nodes_;
  std::vector<std::unique_ptr<edge_queue>> queues_;
  std::vector<std::unique_ptr<worker>> workers_;

  std::atomic<pipeline_state> state_{pipeline_state::created};
  std::atomic<demand_level> demand_{demand_level::full};
  std::int64_t started_ns_ = 0;
  std::atomic<std::int64_t> ended_ns_{0};

  mutable std::mutex mutex_;  // control plane: failure text, demand, thread completion, live acks
  std::condition_variable done_cv_;
  std::condition_variable live_cv_;
  std::string failure_;
  std::size_t running_threads_ = 0;
  bool joined_ = false;
  std::function<void()> on_change_;
};

}  // namespace eegd::core
