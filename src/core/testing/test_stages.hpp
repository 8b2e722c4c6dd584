#pragma once

// Stages for exercising the executor in tests: a source that counts frames, a
// sink that records what it got (and can be held shut, fail or throw on cue),
// and a transform with a live parameter. Not registered in the product.

#include <sys/prctl.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "core/stage_registry.hpp"
#include "eegd/stage.hpp"

namespace eegd::testing {

// Emits `packets` packets (0: until stopped) of `batch` frames; sample (f, c)
// holds first_frame + f, so any loss or reordering is visible in the values.
struct counting_source final : eegd::source<counting_source> {
  std::int64_t channels_ = 4;
  std::int64_t batch_ = 8;
  std::int64_t packets_ = 100;
  double rate_ = 1000;
  bool realtime_ = false;
  std::int64_t wait_after_ = -1;  // after this many packets, wait for go() before going on
  std::int64_t work_us_ = 0;      // time spent filling each packet, between make() and emit()
  bool publish_itself_ = false;   // publish the packet and emit the packet_ref

  static constexpr auto params = eegd::param_list(
      eegd::param<&counting_source::channels_>("channels").range(1, 64),
      eegd::param<&counting_source::batch_>("batch").range(1, 4096),
      eegd::param<&counting_source::packets_>("packets").range(0, 1e9),
      eegd::param<&counting_source::rate_>("rate").range(1, 1e6),
      eegd::param<&counting_source::realtime_>("realtime"),
      eegd::param<&counting_source::wait_after_>("wait_after").range(-1, 1e9),
      eegd::param<&counting_source::work_us_>("work_us").range(0, 1e6),
      eegd::param<&counting_source::publish_itself_>("publish_itself"));

  eegd::status build(eegd::build_context& ctx) {
    stream_info& out = ctx.output();
    out.kind = packet_kind::voltage;
    out.rate_hz = rate_;
    out.channels = static_cast<std::uint32_t>(channels_);
    out.max_frames = static_cast<std::uint32_t>(batch_);
    out.units.assign(out.channels, "uV");
    emit_calls_ns_.reserve(recorded_emits);
    return eegd::ok();
  }

  eegd::flow produce(eegd::emitter& out, eegd::source_context& ctx) {
    if (packets_ > 0 && emitted_ >= static_cast<std::uint64_t>(packets_)) return eegd::flow::stop;
    if (start_ns_ < 0) {
      start_ns_ = eegd::monotonic_ns();
      timer_slack_ns.store(::prctl(PR_GET_TIMERSLACK, 0UL, 0UL, 0UL, 0UL));
    }
    if (static_cast<std::int64_t>(emitted_) == wait_after_ && !go_.load()) {
      // Test-only gate; re-checks the interruption so a stop is never missed.
      std::unique_lock lock(mutex_);
      cv_.wait_for(lock, std::chrono::milliseconds(1), [&] { return go_.load(); });
      return eegd::flow::ok;
    }
    const auto frames = static_cast<std::uint32_t>(batch_);
    if (realtime_) {
      const double end_s = static_cast<double>(next_frame_ + frames) / rate_;
      if (!ctx.sleep_until(start_ns_ + static_cast<std::int64_t>(end_s * 1e9))) return eegd::flow::ok;
    }
    eegd::packet_builder b = out.make(frames);
    b.header().first_frame = next_frame_;
    b.header().t0_ns = static_cast<std::int64_t>(static_cast<double>(next_frame_) * 1e9 / rate_);
    if (resumed_) b.header().flags |= packet_flags::gap;
    resumed_ = false;
    auto v = b.values();
    for (std::uint32_t f = 0; f < frames; ++f)
      for (std::int64_t c = 0; c < channels_; ++c)
        v[f * static_cast<std::size_t>(channels_) + static_cast<std::size_t>(c)] = static_cast<float>(next_frame_ + f);
    if (work_us_ > 0) std::this_thread::sleep_for(std::chrono::microseconds(work_us_));  // stands for reading a device
    next_frame_ += frames;
    ++emitted_;
    {
      std::lock_guard lock(mutex_);
      // Within the capacity reserved at build: producing allocates nothing.
      if (emit_calls_ns_.size() < emit_calls_ns_.capacity()) emit_calls_ns_.push_back(eegd::monotonic_ns());
    }
    if (publish_itself_) out.emit(std::move(b).publish());
    else out.emit(std::move(b));
    return eegd::flow::ok;
  }

  // When each emit() call began (CLOCK_MONOTONIC), for the first
  // `recorded_emits` packets.
  static constexpr std::size_t recorded_emits = 1024;
  std::vector<std::int64_t> emit_calls_ns() {
    std::lock_guard lock(mutex_);
    return emit_calls_ns_;
  }

  void on_pause() { pauses.fetch_add(1); }
  void on_resume() {
    resumes.fetch_add(1);
    resumed_ = true;
  }

  void go() {
    std::lock_guard lock(mutex_);
    go_.store(true);
    cv_.notify_all();
  }

  std::atomic<int> pauses{0}, resumes{0};
  std::atomic<long> timer_slack_ns{-1};  // of the thread that produced the first packet

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::atomic<bool> go_{false};
  std::uint64_t next_frame_ = 0;
  std::uint64_t emitted_ = 0;
  std::int64_t start_ns_ = -1;
  bool resumed_ = false;
  std::vector<std::int64_t> emit_calls_ns_;
};

// Adds a live-settable offset to every sample.
struct offset_transform final : eegd::transform<offset_transform> {
  double offset_ = 0;
  std::int64_t throw_at_ = -1;  // throw while handling this packet number (0-based)
  static constexpr auto params = eegd::param_list(
      eegd::param<&offset_transform::offset_>("offset").range(-1e9, 1e9).live(),
      eegd::param<&offset_transform::throw_at_>("throw_at").range(-1, 1e9));

  eegd::flow process(eegd::frames_in in, eegd::frames_out out) {
    if (seen_++ == throw_at_) throw std::runtime_error("offset_transform: planned failure");
    for (std::size_t i = 0; i < in.size(); ++i) out[i] = in[i] + static_cast<float>(offset_);
    return eegd::flow::ok;
  }
  void on_params_changed() { changes.fetch_add(1); }

  std::atomic<int> changes{0};

 private:
  std::int64_t seen_ = 0;
};

// Records the first frame, frame count, flags and first sample of every packet.
// Can be held shut (blocks in process() until opened), fail with flow::error
// at given packet numbers or in prepare(), report itself locked, and switch
// its demand. Notes when and on which thread prepare() ran.
struct collecting_sink final : eegd::sink<collecting_sink> {
  std::vector<double> fail_at_;  // packet numbers (0-based) that return flow::error
  bool locked_ = false;
  bool wanted_ = true;
  bool fail_prepare_ = false;
  static constexpr auto params = eegd::param_list(
      eegd::param<&collecting_sink::fail_at_>("fail_at").range(0, 1e9),
      eegd::param<&collecting_sink::locked_>("locked"),
      eegd::param<&collecting_sink::wanted_>("wanted"),
      eegd::param<&collecting_sink::fail_prepare_>("fail_prepare"));

  struct record {
    std::uint64_t first_frame;
    std::uint32_t frames;
    std::uint8_t flags;
    float first_value;
  };

  eegd::status build(eegd::build_context& ctx) {
    records_.reserve(1 << 16);
    demand_ = &ctx.demand();
    demand_->set(wanted_);
    return eegd::ok();
  }

  eegd::status prepare() {
    std::lock_guard lock(mutex_);
    prepares_++;
    prepared_on_ = std::this_thread::get_id();
    packets_before_prepare_ = seen_.load();
    if (fail_prepare_) return eegd::error{"collecting_sink: planned prepare failure", {}};
    return eegd::ok();
  }

  eegd::flow process(const eegd::packet_ref& in) {
    {
      std::unique_lock lock(mutex_);
      if (seen_.load() == 0) first_packet_on_ = std::this_thread::get_id();
      held_now_ = !open_;
      cv_.notify_all();
      cv_.wait(lock, [&] { return open_; });
      held_now_ = false;
    }
    const std::uint64_t n = seen_.fetch_add(1);
    if (std::find(fail_at_.begin(), fail_at_.end(), static_cast<double>(n)) != fail_at_.end())
      return eegd::flow::error;
    const float v = in->values().empty() ? 0.f : in->values()[0];
    {
      std::lock_guard lock(mutex_);
      records_.push_back({in->header().first_frame, in->frames(), in->header().flags, v});
    }
    received_.fetch_add(1);
    return eegd::flow::ok;
  }

  void finish() { finished.store(true); }
  bool locked() const noexcept { return locked_; }
  std::string_view last_error() const { return "collecting_sink: planned failure"; }

  // Test-thread controls.
  void hold() {
    std::lock_guard lock(mutex_);
    open_ = false;
  }
  void open() {
    std::lock_guard lock(mutex_);
    open_ = true;
    cv_.notify_all();
  }
  bool held_in_process() {
    std::lock_guard lock(mutex_);
    return held_now_;
  }
  void want(bool on) { demand_->set(on); }
  std::vector<record> records() {
    std::lock_guard lock(mutex_);
    return records_;
  }
  std::uint64_t received() const { return received_.load(); }
  struct preparation {
    int calls = 0;
    std::uint64_t packets_before = 0;  // packets process() had seen when prepare() last ran
    bool on_the_process_thread = false;
  };
  preparation prepared() {
    std::lock_guard lock(mutex_);
    return {prepares_, packets_before_prepare_, prepared_on_ == first_packet_on_};
  }

  std::atomic<bool> finished{false};

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool open_ = true;
  bool held_now_ = false;
  int prepares_ = 0;
  std::uint64_t packets_before_prepare_ = 0;
  std::thread::id prepared_on_, first_packet_on_;
  std::vector<record> records_;
  std::atomic<std::uint64_t> seen_{0}, received_{0};
  eegd::demand_signal* demand_ = nullptr;
};

// Takes two inputs and forwards both, counting per port.
struct merge_two final : eegd::transform<merge_two> {
  static constexpr std::size_t inputs = 2;
  static constexpr auto params = eegd::param_list();
  eegd::flow process(std::size_t port, const eegd::packet_ref& in, eegd::emitter& out) {
    per_port[port].fetch_add(1);
    out.emit(in);
    return eegd::flow::ok;
  }
  std::atomic<int> per_port[2] = {0, 0};
};

// Keeps every sample (values, or counts when the packet has no values), frame
// by frame, plus each packet's header. Allocates per packet: tests only.
struct capture_sink final : eegd::sink<capture_sink> {
  static constexpr auto params = eegd::param_list();
  eegd::flow process(const eegd::packet_ref& in) {
    std::lock_guard lock(mutex_);
    headers_.push_back(in->header());
    if (!in->values().empty()) samples_.insert(samples_.end(), in->values().begin(), in->values().end());
    else samples_.insert(samples_.end(), in->counts().begin(), in->counts().end());
    return eegd::flow::ok;
  }
  std::vector<double> samples() {
    std::lock_guard lock(mutex_);
    return samples_;
  }
  std::vector<packet_header> headers() {
    std::lock_guard lock(mutex_);
    return headers_;
  }

 private:
  std::mutex mutex_;
  std::vector<double> samples_;
  std::vector<packet_header> headers_;
};

inline void register_test_stages(core::stage_registry& r) {
  r.add<counting_source>("counting_source", "test: counts frames");
  r.add<offset_transform>("offset_transform", "test: adds a live offset");
  r.add<collecting_sink>("collecting_sink", "test: records packets");
  r.add<merge_two>("merge_two", "test: two inputs");
  r.add<capture_sink>("capture_sink", "test: keeps every sample");
}

// Polls `condition` until it holds or `timeout` passes; the usual way tests
// wait for another thread without sleeping blindly.
template <class F>
bool wait_for(F condition, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

}  // namespace eegd::testing
