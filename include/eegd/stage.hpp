#pragma once

// The stage SDK: everything a stage author sees.
//
// A stage is a plain struct that derives from one role (source, transform or
// sink), declares its parameters (see params.hpp) and implements the role's
// data-plane function. Everything else is optional:
//
//   struct gain final : eegd::transform<gain> {
//     double factor_ = 1.0;
//     static constexpr auto params = eegd::param_list(
//         eegd::param<&gain::factor_>("factor").unit("x").range(-1e6, 1e6).live());
//
//     eegd::flow process(eegd::frames_in in, eegd::frames_out out) noexcept {
//       for (std::size_t i = 0; i < in.size(); ++i) out[i] = in[i] * float(factor_);
//       return eegd::flow::ok;
//     }
//   };
//
// Two phases. `build(build_context&)` runs once before any data flows: validate
// parameters against the input streams, design filters, allocate buffers, open
// files, and declare the output stream. The data-plane functions (`produce`,
// `process`) then run on the stage's thread and must not allocate, throw or
// take locks; sinks may block on their own I/O (they run in their own group).
//
// Data-plane signatures, by role:
//   source:    flow produce(emitter& out, source_context& ctx);
//   transform: flow process(frames_in in, frames_out out) noexcept;           // same-shape float map
//          or  flow process(const packet_ref& in, emitter& out);               // anything else
//          or  flow process(std::size_t port, const packet_ref& in, emitter& out);  // fan-in
//   sink:      flow process(const packet_ref& in);
//
// Optional hooks (detected by the framework when present):
//   status build(build_context& ctx);       // validate + allocate (default: output = input)
//   status prepare();                       // transform/sink: on the stage's thread just before
//                                           // its first packet, which comes only once its branch
//                                           // has demand. For what only flowing data needs and
//                                           // costs memory while idle (FFTW maps its whole
//                                           // library to plan); may allocate. An error counts
//                                           // as that packet's, under the stage's on_error.
//                                           // finish() and on_params_changed() may run on a
//                                           // stage that was never prepared.
//   void finish(emitter& out);              // transform: end of stream, emit what is left
//   void finish();                          // sink/source: flush and close
//   void on_params_changed();               // after live parameters changed (stage thread,
//                                           // between packets; may allocate)
//   void on_pause(); void on_resume();      // source: demand went away / came back
//   bool locked() const noexcept;           // e.g. a recorder while recording; called from
//                                           // the control thread, so read an atomic
//   std::string_view last_error() const;    // why the last call returned flow::error
//   void report_status(status_writer& out) const;  // figures for status and metrics (clock
//                                           // drift, bytes written...); called from the
//                                           // control thread, so read atomics only
//   static constexpr std::size_t inputs = 2;   // transforms with fan-in

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "eegd/clock.hpp"
#include "eegd/flow.hpp"
#include "eegd/packet.hpp"
#include "eegd/params.hpp"
#include "eegd/result.hpp"
#include "eegd/stream_info.hpp"

namespace eegd {

enum class stage_role : std::uint8_t { source, transform, sink };

constexpr const char* to_string(stage_role r) noexcept {
  switch (r) {
    case stage_role::source: return "source";
    case stage_role::transform: return "transform";
    case stage_role::sink: return "sink";
  }
  return "unknown";
}

template <class Derived>
struct source {
  static constexpr stage_role role = stage_role::source;
};
template <class Derived>
struct transform {
  static constexpr stage_role role = stage_role::transform;
};
template <class Derived>
struct sink {
  static constexpr stage_role role = stage_role::sink;
};

class topic_publisher;     // publisher.hpp
class recorder_registry;   // recording.hpp

// Lets a sink say whether anyone needs its data right now (a WebSocket topic
// with subscribers, an open recording). Branches nobody needs do no work.
class demand_signal {
 public:
  virtual void set(bool wanted) noexcept = 0;

 protected:
  ~demand_signal() = default;
};

// What a stage sees while it is being built.
class build_context {
 public:
  virtual std::string_view stage_name() const = 0;
  virtual std::size_t input_count() const = 0;
  virtual const stream_info& input(std::size_t port = 0) const = 0;
  // The stream this stage emits. Transforms start with a copy of input 0;
  // sources start empty and must fill it.
  virtual stream_info& output() = 0;
  // Resolves a path from the pipeline: relative paths are relative to the
  // pipeline file's folder (or the daemon's state dir for posted pipelines).
  virtual std::string resolve_path(std::string_view path) const = 0;
  virtual sensor_registry& sensors() = 0;
  // Set for a validation-only build: check everything, but open no files or
  // devices and start nothing.
  virtual bool dry_run() const = 0;
  // Sinks: report demand here; a sink that never calls it is always in demand.
  virtual demand_signal& demand() = 0;
  // The daemon's topic broker, or null when running offline (`eegd run`).
  virtual topic_publisher* publisher() = 0;
  // The daemon's session manager, where recorders attach; null offline and
  // in dry runs.
  virtual recorder_registry* recorders() { return nullptr; }

 protected:
  ~build_context() = default;
};

// Receives a stage's own figures for /api/status, `eegd run` statistics and
// Prometheus metrics (numbers become gauges named eegd_stage_<key>).
class status_writer {
 public:
  virtual void number(std::string_view key, double value, std::string_view unit = {}) = 0;
  virtual void text(std::string_view key, std::string_view value) = 0;

 protected:
  ~status_writer() = default;
};

// Where a stage sends its output. Packets come from the stage's own pool.
class emitter {
 public:
  // A new packet shaped like this stage's output stream (channels, kind, rate,
  // sensor), `frames` long; everything else in the header is zero.
  virtual packet_builder make(std::uint32_t frames) = 0;
  virtual void emit(packet_ref p) = 0;

  // Publishes a packet built with make() or derive() and sends it on.
  void emit(packet_builder&& b) {
    before_publish(b.header());
    emit(std::move(b).publish());
  }

  // make() plus the timing of `in`: first frame, t0, flags, emission time,
  // sensor and meta_rev. The usual start of a transform's output packet.
  packet_builder derive(const packet& in, std::uint32_t frames) {
    packet_builder b = make(frames);
    packet_header& h = b.header();
    const packet_header& src = in.header();
    h.sensor_id = src.sensor_id;
    h.meta_rev = src.meta_rev;
    h.first_frame = src.first_frame;
    h.t0_ns = src.t0_ns;
    h.flags = src.flags;
    h.emitted_ns = src.emitted_ns;
    b.add_overhead_ns(in.overhead_ns());
    return b;
  }

 protected:
  ~emitter() = default;
  // The last look at a built packet's header before it becomes immutable: the
  // runtime stamps a source's emission time here.
  virtual void before_publish(packet_header&) {}
};

// What a source sees while producing: interruptible waiting.
class source_context {
 public:
  enum class wait_result : std::uint8_t { ready, timeout, interrupted };

  // True once the pipeline is stopping (or this source was paused): return soon.
  virtual bool interrupted() const noexcept = 0;
  // Sleeps until `deadline_ns` on CLOCK_MONOTONIC. Returns false when
  // interrupted before the deadline.
  virtual bool sleep_until(std::int64_t deadline_ns) noexcept = 0;
  // Waits until `fd` is readable, the deadline passes (-1: no deadline), or the
  // source is interrupted.
  virtual wait_result wait_readable(int fd, std::int64_t deadline_ns) noexcept = 0;

 protected:
  ~source_context() = default;
};

// Interleaved float frames for simple same-shape transforms.
class frames_in {
 public:
  frames_in(const packet& p) noexcept : p_(&p), data_(p.values().data()) {}  // NOLINT
  std::size_t size() const noexcept { return p_->header().samples(); }
  std::uint32_t frames() const noexcept { return p_->frames(); }
  std::uint32_t channels() const noexcept { return p_->channels(); }
  float operator[](std::size_t i) const noexcept { return data_[i]; }
  std::span<const float> frame(std::size_t i) const noexcept { return p_->frame(i); }
  const float* data() const noexcept { return data_; }
  const packet_header& header() const noexcept { return p_->header(); }

 private:
  const packet* p_;
  const float* data_;
};

class frames_out {
 public:
  frames_out(std::span<float> values, std::uint32_t channels) noexcept
      : data_(values.data()), size_(values.size()), channels_(channels) {}
  std::size_t size() const noexcept { return size_; }
  std::uint32_t channels() const noexcept { return channels_; }
  float& operator[](std::size_t i) noexcept { return data_[i]; }
  std::span<float> frame(std::size_t i) noexcept { return {data_ + i * channels_, channels_}; }
  float* data() noexcept { return data_; }

 private:
  float* data_;
  std::size_t size_;
  std::uint32_t channels_;
};

}  // namespace eegd
