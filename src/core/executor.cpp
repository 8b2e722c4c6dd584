#include "core/executor.hpp"

#include <poll.h>
#include <sched.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>

#include <spdlog/spdlog.h>

#include "core/executor_internal.hpp"
#include "eegd/clock.hpp"

namespace eegd::core {

const char* to_string(pipeline_state s) noexcept {
  switch (s) {
    case pipeline_state::created: return "created";
    case pipeline_state::running: return "running";
    case pipeline_state::stopping: return "stopping";
    case pipeline_state::stopped: return "stopped";
    case pipeline_state::failed: return "failed";
  }
  return "unknown";
}

const char* to_string(demand_level d) noexcept {
  switch (d) {
    case demand_level::idle: return "idle";
    case demand_level::basic: return "basic";
    case demand_level::full: return "full";
  }
  return "unknown";
}

const char* to_string(node_state s) noexcept {
  switch (s) {
    case node_state::running: return "running";
    case node_state::ended: return "ended";
    case node_state::stopped: return "stopped";
  }
  return "unknown";
}

// ---------------------------------------------------------------------------
// Emitting

packet_builder node_emitter::make(std::uint32_t frames) {
  const stream_info& out = node_.def.output;
  packet_builder b = node_.pool->acquire(out.channels, frames, out.kind);
  packet_header& h = b.header();
  h.rate_hz = out.rate_hz;
  if (out.sensor) {
    h.sensor_id = out.sensor->sensor_id;
    h.meta_rev = out.sensor->meta_rev;
  }
  // Provisional: before_publish() restamps it; this one stands only for a
  // source that publishes the packet itself and emits the packet_ref.
  if (node_.role == stage_role::source) h.emitted_ns = monotonic_ns();
  return b;
}

// End-to-end latency runs from a source's emission to a sink's receipt, so a
// source packet is stamped when it is handed over, after the source has read
// or synthesised its samples (that time is the source's own process time).
void node_emitter::before_publish(packet_header& h) {
  if (node_.role == stage_role::source) h.emitted_ns = monotonic_ns();
}

void node_emitter::emit(packet_ref p) { exec_.forward(node_, std::move(p)); }

worker::hop_timer::hop_timer(worker& w) noexcept
    : w_(w),
      t0_(monotonic_ns()),
      wake0_(this_thread_accounting().wake_ns),
      blocked0_(this_thread_accounting().blocked_ns),
      wakes0_(this_thread_accounting().wakes),
      stage0_(w.stage_ns.get()) {}

void worker::hop_timer::finish(std::int64_t excluded_ns) noexcept {
  const thread_accounting& acc = this_thread_accounting();
  const std::int64_t woke_others = acc.wake_ns - wake0_;
  const std::int64_t waited = acc.blocked_ns - blocked0_;
  const auto in_stages = static_cast<std::int64_t>(w_.stage_ns.get() - stage0_);
  const std::int64_t framework = monotonic_ns() - t0_ - excluded_ns - in_stages - woke_others - waited;
  const std::uint64_t fw = framework > 0 ? static_cast<std::uint64_t>(framework) : 0;
  w_.hops.add();
  w_.framework_ns.add(fw);
  w_.hop_overhead.record(fw);
  w_.wake_ns.add(static_cast<std::uint64_t>(woke_others));
  w_.wakes.add(acc.wakes - wakes0_);
  w_.blocked_ns.add(static_cast<std::uint64_t>(waited));
}

void worker::interrupt() noexcept {
  wake.notify();
  if (event_fd >= 0) {
    const std::uint64_t one = 1;
    [[maybe_unused]] auto r = ::write(event_fd, &one, sizeof one);
  }
}

namespace {

// A source's waits end early when the pipeline stops, demand goes away or a
// live change arrives, so the executor regains control promptly.
class worker_source_context final : public source_context {
 public:
  worker_source_context(worker& w, node_runtime& n) : w_(w), n_(n) {}

  bool interrupted() const noexcept override {
    return w_.stop.load(std::memory_order_acquire) || !n_.demanded.load(std::memory_order_acquire) ||
           n_.live_flag.load(std::memory_order_acquire);
  }

  bool sleep_until(std::int64_t deadline_ns) noexcept override {
    const std::int64_t start = monotonic_ns();
    for (;;) {
      const std::uint32_t key = w_.wake.prepare_wait();
      if (interrupted()) {
        w_.wake.cancel_wait();
        slept_ns_ += monotonic_ns() - start;
        return false;
      }
      if (monotonic_ns() >= deadline_ns) {
        w_.wake.cancel_wait();
        slept_ns_ += monotonic_ns() - start;
        return true;
      }
      w_.wake.wait(key, deadline_ns);
    }
  }

  wait_result wait_readable(int fd, std::int64_t deadline_ns) noexcept override {
    const std::int64_t start = monotonic_ns();
    wait_result r = wait_result::timeout;
    for (;;) {
      if (interrupted()) {
        r = wait_result::interrupted;
        break;
      }
      int timeout_ms = -1;
      if (deadline_ns >= 0) {
        const std::int64_t left = deadline_ns - monotonic_ns();
        if (left <= 0) break;
        timeout_ms = static_cast<int>((left + 999'999) / 1'000'000);
      }
      pollfd fds[2] = {{fd, POLLIN | POLLPRI, 0}, {w_.event_fd, POLLIN, 0}};
      const int n = ::poll(fds, 2, timeout_ms);
      if (n < 0 && errno != EINTR) {
        r = wait_result::interrupted;
        break;
      }
      if (n > 0 && (fds[1].revents & POLLIN)) {
        std::uint64_t drained = 0;
        [[maybe_unused]] auto rd = ::read(w_.event_fd, &drained, sizeof drained);
      }
      if (n > 0 && (fds[0].revents & (POLLIN | POLLPRI | POLLERR | POLLHUP))) {
        r = wait_result::ready;
        break;
      }
    }
    slept_ns_ += monotonic_ns() - start;
    return r;
  }

  std::int64_t take_slept_ns() noexcept { return std::exchange(slept_ns_, 0); }

 private:
  worker& w_;
  node_runtime& n_;
  std::int64_t slept_ns_ = 0;
};

std::uint64_t thread_cpu_ns(const worker& w) {
  if (w.exited.load(std::memory_order_acquire) || !w.has_cpu_clock.load(std::memory_order_acquire))
    return w.final_cpu_ns.load(std::memory_order_acquire);
  timespec ts{};
  if (clock_gettime(w.cpu_clock, &ts) != 0) return w.final_cpu_ns.load(std::memory_order_acquire);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<std::uint64_t>(ts.tv_nsec);
}

std::uint64_t own_cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<std::uint64_t>(ts.tv_nsec);
}

std::uint64_t non_negative(std::int64_t v) { return v > 0 ? static_cast<std::uint64_t>(v) : 0; }

class figure_collector final : public status_writer {
 public:
  explicit figure_collector(std::vector<stage_figure>& out) : out_(out) {}
  void number(std::string_view key, double value, std::string_view unit) override {
    out_.push_back({std::string(key), value, {}, std::string(unit)});
  }
  void text(std::string_view key, std::string_view value) override {
    out_.push_back({std::string(key), std::nullopt, std::string(value), {}});
  }

 private:
  std::vector<stage_figure>& out_;
};

}  // namespace

// ---------------------------------------------------------------------------
// Construction and wiring

namespace {

// How many of a node's packets can exist at once: one being built, and each
// stage downstream (a stage may forward the very packet it got) holding a
// full queue plus the one it is processing. Pools start with that many
// buffers, so the steady state never allocates however the load shifts
// packets between queues.
std::vector<std::size_t> packets_in_flight_bounds(const built_graph& g) {
  const std::size_t n = g.nodes.size();
  std::vector<std::vector<std::size_t>> consumers(n);
  for (std::size_t j = 0; j < n; ++j)
    for (std::size_t producer : g.nodes[j].inputs) consumers[producer].push_back(j);
  std::vector<std::size_t> bounds(n, 1);
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<bool> seen(n, false);
    std::vector<std::size_t> todo = consumers[i];
    while (!todo.empty()) {
      const std::size_t j = todo.back();
      todo.pop_back();
      if (seen[j]) continue;
      seen[j] = true;
      bounds[i] += g.nodes[j].spec.queue.capacity + 1;
      todo.insert(todo.end(), consumers[j].begin(), consumers[j].end());
    }
  }
  return bounds;
}

}  // namespace

executor::executor(built_graph graph, executor_options options)
    : graph_(std::move(graph)), options_(options) {
  const std::vector<std::size_t> in_flight = packets_in_flight_bounds(graph_);
  for (std::size_t i = 0; i < graph_.nodes.size(); ++i) {
    nodes_.push_back(std::make_unique<node_runtime>(*this, graph_.nodes[i], i));
    node_runtime& n = *nodes_.back();
    if (n.role == stage_role::sink) continue;
    // Sized for the largest packet the stage declared; bigger requests still
    // work but are counted as heap fallbacks.
    const stream_info& out = n.def.output;
    packet_pool::options o;
    o.capacity_samples = std::size_t{out.channels} * out.max_frames;
    o.two_planes = out.kind == packet_kind::raw_and_voltage;
    // Bounded so a huge declared packet cannot reserve unbounded memory; past
    // this the pool grows on demand (and the high-water mark stays).
    constexpr std::size_t preallocate_bytes_limit = 16u << 20;
    const std::size_t buffer_bytes = std::max<std::size_t>(1, o.capacity_samples * sizeof(float) * (o.two_planes ? 2 : 1));
    o.preallocate = std::min(in_flight[i], std::max<std::size_t>(4, preallocate_bytes_limit / buffer_bytes));
    o.max_buffers = std::max(o.max_buffers, o.preallocate);
    n.pool = packet_pool::handle(o);
  }
  wire();
}

executor::~executor() {
  // Sinks may flip their demand from other threads until they are destroyed
  // with the graph; stop listening before this object goes away.
  for (auto& d : graph_.nodes) d.demand->on_change(nullptr);
  request_stop();
  wait();
  for (auto& w : workers_)
    if (w->event_fd >= 0) ::close(w->event_fd);
}

void executor::wire() {
  // Threads: one per source, then each group's workers, created as needed.
  std::map<std::string, std::vector<worker*>> group_workers;
  std::map<std::string, std::size_t> next_turn;
  auto group_of = [&](const std::string& name) -> const group_spec* {
    for (const auto& g : graph_.groups)
      if (g.name == name) return &g;
    return nullptr;
  };
  auto new_worker = [&](const std::string& group) {
    workers_.push_back(std::make_unique<worker>());
    worker* w = workers_.back().get();
    w->group = group;
    w->spec = group_of(group);
    return w;
  };

  for (auto& np : nodes_) {
    node_runtime& n = *np;
    const std::string& group = n.def.group;
    if (n.role == stage_role::source) {
      worker* w = new_worker(group);
      w->source = &n;
      w->event_fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
      n.home = w;
    } else {
      node_runtime& first = *nodes_[n.def.inputs.at(0)];
      if (first.def.group == group) {
        n.home = first.home;  // fuse with the first input: a direct call, no queue
      } else {
        auto& pool = group_workers[group];
        const std::size_t want = std::max<std::size_t>(1, group_of(group) ? group_of(group)->threads : 1);
        std::size_t& turn = next_turn[group];
        if (pool.size() < want && turn >= pool.size()) pool.push_back(new_worker(group));
        n.home = pool[turn % pool.size()];
        turn = (turn + 1) % want;
      }
    }
    n.home->nodes.push_back(&n);
    n.home->nodes_remaining++;

    // Inputs: a direct call when the producer runs on the same thread.
    n.open_inputs = n.def.inputs.size();
    for (std::size_t port = 0; port < n.def.inputs.size(); ++port) {
      node_runtime& producer = *nodes_[n.def.inputs[port]];
      edge_queue* q = nullptr;
      if (producer.home != n.home) {
        queues_.push_back(std::make_unique<edge_queue>(n.def.spec.queue, n.home->wake));
        q = queues_.back().get();
        n.home->queue_inputs.emplace_back(&n, port);
      }
      n.inputs.push_back(input_link{&producer, q, false});
      producer.outputs.push_back(output_link{&n, port, q});
    }
  }
  for (auto& d : graph_.nodes)
    d.demand->on_change([this] { recompute_demand(); });
}

// ---------------------------------------------------------------------------
// Running

void executor::start() {
  std::unique_lock lock(mutex_);
  if (state_.load() != pipeline_state::created) return;
  started_ns_ = monotonic_ns();
  state_.store(pipeline_state::running, std::memory_order_release);
  running_threads_ = workers_.size();
  lock.unlock();
  recompute_demand();
  for (auto& wp : workers_) {
    worker* w = wp.get();
    w->thread = std::thread([this, w] {
      setup_thread(*w);
      if (w->source) run_source(*w);
      else run_worker(*w);
      w->final_cpu_ns.store(own_cpu_ns(), std::memory_order_release);
      w->exited.store(true, std::memory_order_release);
      thread_done();
    });
  }
  if (workers_.empty()) thread_done();
  notify_change();
}

void executor::setup_thread(worker& w) {
  pthread_t self = pthread_self();
  if (pthread_getcpuclockid(self, &w.cpu_clock) == 0) w.has_cpu_clock.store(true, std::memory_order_release);
  std::string name = (w.source ? "src:" + w.source->def.spec.name : w.group).substr(0, 15);
  pthread_setname_np(self, name.c_str());
  // A source paces itself by sleeping to its next frame's deadline. Linux lets
  // a normal thread's timed wait end up to 50 us late (timer slack) so wake-ups
  // can be batched; that lateness would be latency on every packet.
  if (w.source) ::prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
  if (!w.spec) return;
  if (!w.spec->cpus.empty()) {
    cpu_set_t set;
    CPU_ZERO(&set);
    for (int c : w.spec->cpus) CPU_SET(c, &set);
    if (int e = pthread_setaffinity_np(self, sizeof set, &set); e != 0)
      spdlog::warn("group '{}': cannot pin to the requested CPUs: {}", w.group, std::strerror(e));
  }
  if (w.spec->rt_priority > 0) {
    sched_param sp{};
    sp.sched_priority = w.spec->rt_priority;
    if (int e = pthread_setschedparam(self, SCHED_FIFO, &sp); e != 0)
      spdlog::warn("group '{}': SCHED_FIFO priority {} not permitted ({}); running with normal priority",
                   w.group, w.spec->rt_priority, std::strerror(e));
  }
}

void executor::run_source(worker& w) {
  node_runtime& n = *w.source;
  worker_source_context ctx(w, n);
  bool paused = false;
  while (n.running() && !w.stop.load(std::memory_order_acquire)) {
    apply_pending_live(n);
    if (!n.demanded.load(std::memory_order_acquire)) {
      if (!paused) {
        n.stage.on_pause();
        paused = true;
      }
      const std::uint32_t key = w.wake.prepare_wait();
      if (n.demanded.load(std::memory_order_acquire) || w.stop.load(std::memory_order_acquire) ||
          n.live_flag.load(std::memory_order_acquire)) {
        w.wake.cancel_wait();
        continue;
      }
      w.wake.wait(key);
      continue;
    }
    if (paused) {
      n.stage.on_resume();
      paused = false;
    }

    worker::hop_timer hop(w);
    const std::int64_t t0 = monotonic_ns();
    w.inner_ns = 0;
    flow f = flow::ok;
    std::string reason;
    try {
      f = n.stage.produce(n.emitter, ctx);
    } catch (const std::exception& e) {
      f = flow::error;
      reason = e.what();
    } catch (...) {
      f = flow::error;
      reason = "unknown exception";
    }
    const std::int64_t slept = ctx.take_slept_ns();
    const std::int64_t total = monotonic_ns() - t0 - slept;
    const std::int64_t own = total - w.inner_ns;
    n.process_ns.add(non_negative(own));
    w.stage_ns.add(non_negative(own));
    w.busy_ns.add(non_negative(total));
    if (w.inner_ns > 0) hop.finish(slept);  // a produce() that emitted something

    if (f == flow::skip) n.skipped.add();
    if (f == flow::error) {
      if (reason.empty()) reason = n.stage.last_error();
      if (reason.empty()) reason = "produce() failed";
      handle_error(n, std::move(reason));
    }
    if (f == flow::stop || n.duration_reached) break;
  }
  end_node(n, node_state::ended);
}

void executor::run_worker(worker& w) {
  constexpr int burst = 64;  // packets per queue per round, so one busy input cannot starve another
  while (w.nodes_remaining > 0) {
    bool progress = false;
    std::int64_t awake_from = monotonic_ns();
    for (node_runtime* n : w.nodes)
      if (n->live_flag.load(std::memory_order_acquire)) {
        apply_pending_live(*n);
        progress = true;
      }
    for (auto [n, port] : w.queue_inputs) {
      input_link& in = n->inputs[port];
      if (in.ended) continue;
      const bool was_closed = in.queue->closed();
      for (int k = 0; k < burst; ++k) {
        worker::hop_timer hop(w);
        packet_ref p = in.queue->pop();
        if (!p) break;
        progress = true;
        deliver(w, *n, port, p);
        p.reset();
        hop.finish();
      }
      if (was_closed && in.queue->depth() == 0 && !in.ended) {
        input_ended(*n, port);
        progress = true;
      }
    }
    w.busy_ns.add(non_negative(monotonic_ns() - awake_from));
    if (progress || w.nodes_remaining == 0) continue;

    const std::uint32_t key = w.wake.prepare_wait();
    bool ready = false;
    for (auto [n, port] : w.queue_inputs) {
      const input_link& in = n->inputs[port];
      ready = ready || (!in.ended && (in.queue->depth() > 0 || in.queue->closed()));
    }
    for (node_runtime* n : w.nodes) ready = ready || n->live_flag.load(std::memory_order_acquire);
    if (ready) {
      w.wake.cancel_wait();
      continue;
    }
    w.wake.wait(key);
  }
}

namespace {

// Runs a stage's prepare(); why it failed, returned or thrown, or "".
std::string prepare(node_runtime& n) {
  try {
    if (status s = n.stage.prepare(); !s) return s.err().message.empty() ? "failed" : s.err().message;
    return {};
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown exception";
  }
}

}  // namespace

void executor::deliver(worker& w, node_runtime& n, std::size_t port, const packet_ref& p) {
  if (!n.running()) return;
  if (n.live_flag.load(std::memory_order_acquire)) apply_pending_live(n);
  n.packets_in.add();
  n.frames_in.add(p->frames());
  if (n.role == stage_role::sink) n.latency_hist.record(non_negative(monotonic_ns() - p->header().emitted_ns));

  // Direct calls nest: remember the enclosing stage's forward() time.
  const std::int64_t saved_inner = std::exchange(w.inner_ns, 0);
  const std::int64_t t0 = monotonic_ns();
  flow f = flow::ok;
  std::string reason;
  try {
    if (!n.prepared) {
      if (std::string why = prepare(n); why.empty()) {
        n.prepared = true;
      } else {
        f = flow::error;
        reason = "prepare: " + why;
      }
    }
    if (n.prepared) f = n.stage.process(port, p, n.emitter);
  } catch (const std::exception& e) {
    f = flow::error;
    reason = e.what();
  } catch (...) {
    f = flow::error;
    reason = "unknown exception";
  }
  const std::int64_t own = monotonic_ns() - t0 - w.inner_ns;
  w.inner_ns = saved_inner;
  n.process_ns.add(non_negative(own));
  n.process_hist.record(non_negative(own));
  w.stage_ns.add(non_negative(own));

  switch (f) {
    case flow::ok: break;
    case flow::skip: n.skipped.add(); break;
    case flow::stop: end_node(n, node_state::ended); break;
    case flow::error:
      if (reason.empty()) reason = n.stage.last_error();
      handle_error(n, reason.empty() ? "process() failed" : std::move(reason));
      break;
  }
}

void executor::forward(node_runtime& n, packet_ref p) {
  worker& w = *n.home;
  const std::int64_t t0 = monotonic_ns();
  n.packets_out.add();
  n.frames_out.add(p->frames());
  if (n.role == stage_role::source && options_.duration_ns >= 0) {
    const packet_header& h = p->header();
    const double end_s = static_cast<double>(h.first_frame + h.frames) / h.rate_hz;
    n.duration_reached = end_s * 1e9 >= static_cast<double>(options_.duration_ns);
  }
  for (std::size_t i = 0; i < n.outputs.size(); ++i) {
    output_link& out = n.outputs[i];
    node_runtime& c = *out.consumer;
    if (!c.demanded.load(std::memory_order_relaxed) || !c.running()) continue;
    const bool last = i + 1 == n.outputs.size();
    if (out.queue) {
      out.queue->push(last ? std::move(p) : p);
    } else {
      deliver(w, c, out.port, p);
    }
  }
  w.inner_ns += monotonic_ns() - t0;
}

// ---------------------------------------------------------------------------
// Ending, errors

void executor::handle_error(node_runtime& n, std::string reason) {
  n.errors.add();
  {
    std::lock_guard lock(n.mutex);
    n.last_error = reason;
  }
  switch (n.def.spec.on_error) {
    case error_policy::skip_packet:
      spdlog::debug("stage '{}': skipped a packet: {}", n.def.spec.name, reason);
      return;
    case error_policy::drain_then_stop:
      spdlog::error("stage '{}' failed and stops its branch: {}", n.def.spec.name, reason);
      end_node(n, node_state::stopped);
      return;
    case error_policy::fatal:
      spdlog::error("stage '{}' failed; stopping the pipeline: {}", n.def.spec.name, reason);
      end_node(n, node_state::stopped);
      fail("stage '" + n.def.spec.name + "': " + reason);
      return;
  }
}

void executor::end_node(node_runtime& n, node_state final_state) {
  if (!n.running()) return;
  try {
    n.stage.finish(n.emitter);
  } catch (const std::exception& e) {
    spdlog::error("stage '{}': finish failed: {}", n.def.spec.name, e.what());
  }
  n.state.store(final_state, std::memory_order_release);
  // Producers must never block on a queue nobody reads any more.
  for (auto& in : n.inputs)
    if (in.queue && !in.ended) {
      in.queue->detach();
      in.ended = true;
    }
  n.home->nodes_remaining--;
  for (auto& out : n.outputs) {
    if (out.queue) out.queue->close();
    else input_ended(*out.consumer, out.port);
  }
  recompute_demand();
}

void executor::input_ended(node_runtime& n, std::size_t port) {
  input_link& in = n.inputs[port];
  if (in.ended) return;
  in.ended = true;
  if (!n.running()) return;
  if (--n.open_inputs == 0) end_node(n, node_state::ended);
}

void executor::fail(std::string reason) {
  {
    std::lock_guard lock(mutex_);
    if (failure_.empty()) failure_ = std::move(reason);
  }
  request_stop();
}

void executor::request_stop() noexcept {
  pipeline_state expected = pipeline_state::running;
  state_.compare_exchange_strong(expected, pipeline_state::stopping);
  for (auto& w : workers_)
    if (w->source) {
      w->stop.store(true, std::memory_order_release);
      w->interrupt();
    }
  notify_change();
}

void executor::thread_done() {
  bool all_done = false;
  {
    std::lock_guard lock(mutex_);
    if (running_threads_ > 0) --running_threads_;
    all_done = running_threads_ == 0;
    if (all_done) {
      ended_ns_.store(monotonic_ns(), std::memory_order_release);
      state_.store(failure_.empty() ? pipeline_state::stopped : pipeline_state::failed,
                   std::memory_order_release);
    }
  }
  if (all_done) {
    done_cv_.notify_all();
    notify_change();
  }
}

bool executor::wait_until(std::int64_t deadline_ns) {
  std::unique_lock lock(mutex_);
  if (state_.load() == pipeline_state::created) return true;
  while (running_threads_ > 0) {
    const std::int64_t left = deadline_ns - monotonic_ns();
    if (deadline_ns >= 0 && left <= 0) return false;
    if (deadline_ns < 0) done_cv_.wait(lock);
    else done_cv_.wait_for(lock, std::chrono::nanoseconds(left));
  }
  if (!joined_) {
    joined_ = true;
    lock.unlock();
    for (auto& w : workers_)
      if (w->thread.joinable()) w->thread.join();
  }
  return true;
}

void executor::wait() { wait_until(-1); }

// ---------------------------------------------------------------------------
// Control plane

void executor::apply_pending_live(node_runtime& n) {
  if (!n.live_flag.exchange(false, std::memory_order_acq_rel)) return;
  std::vector<std::pair<std::string, param_value>> changes;
  std::uint64_t seq = 0;
  {
    std::lock_guard lock(mutex_);
    changes.swap(n.live_pending);
    seq = n.live_posted;
  }
  for (auto& [name, value] : changes)
    if (status s = n.stage.set_param(name, value); !s)
      spdlog::error("stage '{}': live change of '{}' rejected: {}", n.def.spec.name, name, s.err().message);
  n.stage.on_params_changed();
  {
    std::lock_guard lock(mutex_);
    n.live_applied.store(seq, std::memory_order_release);
  }
  live_cv_.notify_all();
}

status executor::apply_live(std::string_view stage,
                            std::vector<std::pair<std::string, param_value>> changes,
                            std::int64_t timeout_ns) {
  node_runtime* n = nullptr;
  for (auto& np : nodes_)
    if (np->def.spec.name == stage) n = np.get();
  if (!n) return error{"no stage named '" + std::string(stage) + "'", {}};
  std::unique_lock lock(mutex_);
  if (state_.load() != pipeline_state::running || !n->running())
    return error{"stage '" + std::string(stage) + "' is not running", {}};
  for (auto& c : changes) n->live_pending.push_back(std::move(c));
  const std::uint64_t seq = ++n->live_posted;
  n->live_flag.store(true, std::memory_order_release);
  n->home->interrupt();
  const bool applied = live_cv_.wait_for(lock, std::chrono::nanoseconds(timeout_ns), [&] {
    return n->live_applied.load(std::memory_order_acquire) >= seq || !n->running();
  });
  if (!applied || n->live_applied.load() < seq)
    return error{"stage '" + std::string(stage) + "' did not take the change in time", {}};
  return ok();
}

std::optional<std::string> executor::locked_downstream(std::string_view stage) const {
  std::size_t start = graph_.index_of(stage);
  if (start >= nodes_.size()) return std::nullopt;
  std::vector<const node_runtime*> todo{nodes_[start].get()};
  std::vector<bool> seen(nodes_.size(), false);
  while (!todo.empty()) {
    const node_runtime* n = todo.back();
    todo.pop_back();
    if (seen[n->index]) continue;
    seen[n->index] = true;
    if (n->stage.locked()) return n->def.spec.name;
    for (const auto& out : n->outputs) todo.push_back(out.consumer);
  }
  return std::nullopt;
}

void executor::recompute_demand() {
  demand_level level;
  std::vector<worker*> to_wake;
  {
    std::lock_guard lock(mutex_);
    std::size_t sinks = 0, wanted_sinks = 0;
    // Nodes are in dependency order, so walking backwards sees consumers first.
    for (auto it = nodes_.rbegin(); it != nodes_.rend(); ++it) {
      node_runtime& n = **it;
      bool d = false;
      if (n.role == stage_role::sink) {
        ++sinks;
        d = n.running() && n.def.demand->wanted();
        wanted_sinks += d ? 1 : 0;
      } else {
        for (const auto& out : n.outputs) d = d || out.consumer->demanded.load(std::memory_order_relaxed);
        d = d && n.running();
      }
      if (n.demanded.exchange(d, std::memory_order_acq_rel) != d && n.role == stage_role::source)
        to_wake.push_back(n.home);
    }
    level = wanted_sinks == 0 ? demand_level::idle
                              : (wanted_sinks == sinks ? demand_level::full : demand_level::basic);
  }
  for (worker* w : to_wake) w->interrupt();
  if (demand_.exchange(level) != level) notify_change();
}

void executor::on_change(std::function<void()> callback) {
  std::lock_guard lock(mutex_);
  on_change_ = std::move(callback);
}

void executor::notify_change() {
  std::function<void()> cb;
  {
    std::lock_guard lock(mutex_);
    cb = on_change_;
  }
  if (cb) cb();
}

pipeline_state executor::state() const noexcept { return state_.load(std::memory_order_acquire); }

std::string executor::failure() const {
  std::lock_guard lock(mutex_);
  return failure_;
}

demand_level executor::demand() const noexcept { return demand_.load(std::memory_order_acquire); }

// ---------------------------------------------------------------------------
// Statistics

executor_stats executor::stats() const {
  executor_stats s;
  s.state = state();
  s.failure = failure();
  s.demand = demand();
  const std::int64_t end = ended_ns_.load(std::memory_order_acquire);
  s.wall_ns = started_ns_ == 0 ? 0 : (end ? end : monotonic_ns()) - started_ns_;
  for (const auto& np : nodes_) {
    const node_runtime& n = *np;
    node_stats ns;
    ns.name = n.def.spec.name;
    ns.type = n.def.spec.type;
    ns.group = n.def.group;
    ns.role = n.role;
    ns.state = n.state.load(std::memory_order_acquire);
    ns.demanded = n.demanded.load(std::memory_order_acquire);
    ns.packets_in = n.packets_in.get();
    ns.frames_in = n.frames_in.get();
    ns.packets_out = n.packets_out.get();
    ns.frames_out = n.frames_out.get();
    ns.errors = n.errors.get();
    ns.skipped = n.skipped.get();
    ns.process_ns = n.process_ns.get();
    ns.process = n.process_hist.read();
    ns.latency = n.latency_hist.read();
    if (n.pool) ns.pool = n.pool->snapshot();
    {
      std::lock_guard lock(n.mutex);
      ns.last_error = n.last_error;
    }
    figure_collector figures(ns.figures);
    n.stage.report_status(figures);
    if (n.role == stage_role::source) s.source_packets += ns.packets_out;
    s.nodes.push_back(std::move(ns));
    for (const auto& out : n.outputs) {
      edge_stats e;
      e.from = n.def.spec.name;
      e.to = out.consumer->def.spec.name;
      e.port = out.port;
      e.direct = out.queue == nullptr;
      if (out.queue) {
        e.policy = out.queue->config().overflow;
        e.capacity = out.queue->capacity();
        e.depth = out.queue->depth();
        e.counters = out.queue->snapshot();
      }
      s.edges.push_back(std::move(e));
    }
  }
  for (const auto& wp : workers_) {
    const worker& w = *wp;
    thread_stats t;
    t.group = w.group;
    t.role = w.source ? "source:" + w.source->def.spec.name : "worker";
    t.cpu_ns = thread_cpu_ns(w);
    t.busy_ns = w.busy_ns.get();
    t.stage_ns = w.stage_ns.get();
    t.framework_ns = w.framework_ns.get();
    t.wake_ns = w.wake_ns.get();
    t.wakes = w.wakes.get();
    t.blocked_ns = w.blocked_ns.get();
    t.hops = w.hops.get();
    t.hop_overhead = w.hop_overhead.read();
    s.threads.push_back(std::move(t));
  }
  return s;
}

}  // namespace eegd::core
