#pragma once

// The executor's per-stage and per-thread state. Private to src/core.

#include <pthread.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "core/executor.hpp"
#include "core/thread_accounting.hpp"

namespace eegd::core {

// A counter written by one thread and read by any: a relaxed store of load+1
// costs no locked instruction.
class counter {
 public:
  void add(std::uint64_t n = 1) noexcept { v_.store(v_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed); }
  std::uint64_t get() const noexcept { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> v_{0};
};

struct input_link {
  node_runtime* producer = nullptr;
  edge_queue* queue = nullptr;  // null: the producer calls us directly
  bool ended = false;           // touched by the consumer's thread only
};

struct output_link {
  node_runtime* consumer = nullptr;
  std::size_t port = 0;
  edge_queue* queue = nullptr;  // null: direct call on this thread
};

class node_emitter final : public emitter {
 public:
  node_emitter(executor& exec, node_runtime& node) : exec_(exec), node_(node) {}
  packet_builder make(std::uint32_t frames) override;
  void emit(packet_ref p) override;

 private:
  void before_publish(packet_header& h) override;

  executor& exec_;
  node_runtime& node_;
};

struct node_runtime {
  node_runtime(executor& exec, built_node& definition, std::size_t position)
      : def(definition), stage(*definition.spec.stage), role(stage.role()), index(position), emitter(exec, *this) {}

  built_node& def;
  runtime_stage& stage;
  const stage_role role;
  const std::size_t index;
  worker* home = nullptr;
  std::vector<input_link> inputs;
  std::vector<output_link> outputs;
  node_emitter emitter;
  packet_pool::handle pool;  // for stages that make packets (not sinks)
  std::size_t open_inputs = 0;

  std::atomic<node_state> state{node_state::running};
  std::atomic<bool> demanded{true};
  bool duration_reached = false;  // sources: --duration worth of data emitted
  bool prepared = false;          // prepare() succeeded; touched only on the node's thread

  counter packets_in, frames_in, packets_out, frames_out, errors, skipped, process_ns;
  histogram process_hist;
  histogram latency_hist;

  mutable std::mutex mutex;  // guards last_error
  std::string last_error;
  std::vector<std::pair<std::string, param_value>> live_pending;  // under executor::mutex_
  std::atomic<bool> live_flag{false};
  std::uint64_t live_posted = 0;               // under executor::mutex_
  std::atomic<std::uint64_t> live_applied{0};

  bool running() const noexcept { return state.load(std::memory_order_acquire) == node_state::running; }
};

struct worker {
  std::string group;
  const group_spec* spec = nullptr;
  node_runtime* source = nullptr;  // set for a source's own thread
  std::vector<node_runtime*> nodes;  // stages homed here
  std::vector<std::pair<node_runtime*, std::size_t>> queue_inputs;  // (stage, port) fed by queues
  std::size_t nodes_remaining = 0;

  notifier wake;
  int event_fd = -1;  // source threads: lets wait_readable() be interrupted
  std::atomic<bool> stop{false};
  std::thread thread;

  // Accounting, written by this thread only.
  std::int64_t inner_ns = 0;  // time spent in forward() by the current stage call
  counter busy_ns, stage_ns, framework_ns, wake_ns, wakes, blocked_ns, hops;
  histogram hop_overhead;  // framework time per hop

  // Measures one hop (a packet taken from a queue, or one produce() call):
  // its wall time minus stage code, wake-up syscalls and waiting on full
  // queues is the framework's own work.
  class hop_timer {
   public:
    explicit hop_timer(worker& w) noexcept;
    void finish(std::int64_t excluded_ns = 0) noexcept;  // e.g. a source's own sleeping

   private:
    worker& w_;
    std::int64_t t0_, wake0_, blocked0_;
    std::uint64_t wakes0_, stage0_;
  };
  std::atomic<bool> exited{false};
  std::atomic<std::uint64_t> final_cpu_ns{0};
  std::atomic<bool> has_cpu_clock{false};
  clockid_t cpu_clock{};

  void interrupt() noexcept;  // wake the thread from any wait
};

}  // namespace eegd::core
