#include "stages/sinks/recorder.hpp"

namespace eegd::stages {

recorder::~recorder() {
  if (registry_) registry_->detach(*this);
}

eegd::status recorder::build(eegd::build_context& ctx) {
  const auto kind = format_ == "edf" ? formats::edf_kind::edf : formats::edf_kind::bdf;
  auto plan = edf_plan_for(ctx.input(), {kind, record_seconds_, fsync_seconds_, range_uv_, transducer_});
  if (!plan) return plan.err();
  plan_ = std::move(*plan);
  demand_ = &ctx.demand();
  demand_->set(false);  // nothing to do until a session starts
  if (!ctx.dry_run() && ctx.recorders()) {
    registry_ = ctx.recorders();
    registry_->attach(ctx.stage_name(), *this);
  }
  return eegd::ok();
}

eegd::flow recorder::process(const eegd::packet_ref& in) {
  if (!active_.load(std::memory_order_acquire)) return eegd::flow::ok;
  std::lock_guard lock(mutex_);
  if (!writer_.is_open()) return eegd::flow::ok;
  // A failed write (full disk...) ends this recording, not the pipeline: the
  // file stays valid up to its last record and the reason shows in status.
  if (status s = writer_.write(*in); !s) stop_locked(s.err().message);
  return eegd::flow::ok;
}

void recorder::finish() {
  std::lock_guard lock(mutex_);
  if (writer_.is_open()) stop_locked("the pipeline stopped while recording");
}

eegd::status recorder::start(const eegd::recording_request& request) {
  std::lock_guard lock(mutex_);
  if (writer_.is_open()) return eegd::error{"already recording", {}};
  if (status s = writer_.open(request.path, plan_, request.participant + " X X X"); !s) return s;
  error_.clear();
  failed_.store(false, std::memory_order_relaxed);
  active_.store(true, std::memory_order_release);
  demand_->set(true);
  return eegd::ok();
}

void recorder::stop_locked(std::string why) {
  status s = writer_.close();
  error_ = !why.empty() ? std::move(why) : (s ? std::string() : s.err().message);
  failed_.store(!error_.empty(), std::memory_order_relaxed);
  active_.store(false, std::memory_order_release);
  demand_->set(false);
}

void recorder::stop() {
  std::lock_guard lock(mutex_);
  if (writer_.is_open()) stop_locked({});
}

eegd::status recorder::mark(std::string_view text) {
  std::lock_guard lock(mutex_);
  if (!writer_.is_open()) return eegd::error{"not recording", {}};
  writer_.mark(std::string(text));
  return eegd::ok();
}

eegd::recording_figures recorder::figures() const {
  std::lock_guard lock(mutex_);
  recording_figures f = writer_.figures();
  f.active = writer_.is_open();
  f.error = error_;
  return f;
}

void recorder::report_status(eegd::status_writer& out) const {
  // Atomics only: this runs on the control thread.
  const recording_figures f = writer_.figures();
  out.text("recording", active_.load(std::memory_order_acquire) ? "yes" : (failed_.load() ? "failed" : "no"));
  out.number("recorded_s", f.seconds, "s");
  out.number("bytes_written", static_cast<double>(f.bytes), "bytes");
  out.number("clipped_samples", static_cast<double>(f.clipped));
  out.number("gap_frames", static_cast<double>(f.gap_frames));
}

}  // namespace eegd::stages
