#pragma once

// Pushes packets through one stage on the calling thread, without an executor:
// set parameters, build against given input streams, feed packets, read what
// the stage emitted. For stage unit tests.

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "core/packet_pool.hpp"
#include "core/sensor_store.hpp"
#include "core/stage_adapter.hpp"

namespace eegd::testing {

// A voltage stream of `channels` channels named ch1..chN at `rate`.
inline stream_info voltage_stream(std::uint32_t channels, double rate, std::uint32_t max_frames = 1000) {
  stream_info s;
  s.kind = packet_kind::voltage;
  s.rate_hz = rate;
  std::vector<std::string> names;
  for (std::uint32_t c = 0; c < channels; ++c) names.push_back("ch" + std::to_string(c + 1));
  s.set_channels(std::move(names), "uV");
  s.max_frames = max_frames;
  return s;
}

template <class S>
class stage_harness final : private build_context, private emitter, private demand_signal {
 public:
  explicit stage_harness(std::vector<stream_info> inputs) : inputs_(std::move(inputs)) {
    core::packet_pool::options o;
    o.capacity_samples = 1 << 17;
    o.two_planes = true;
    o.preallocate = 2;
    in_pool_ = core::packet_pool::handle(o);
    out_pool_ = core::packet_pool::handle(o);
  }

  status param(std::string_view name, const param_value& v) { return adapter_.set_param(name, v); }
  // A live change as the executor applies it: set, then on_params_changed(), between packets.
  status live(std::string_view name, const param_value& v) {
    status s = adapter_.set_param(name, v);
    adapter_.on_params_changed();
    return s;
  }
  S& stage() { return adapter_.stage(); }

  status build() {
    output_ = inputs_.at(0);
    return adapter_.build(*this);
  }
  const stream_info& output_stream() const { return output_; }

  // Feeds `frames` interleaved frames of `values` on `port`, starting at run frame `first_frame`.
  flow push(const float* values, std::uint32_t frames, std::uint64_t first_frame, std::size_t port = 0,
            std::int64_t t0_ns = -1) {
    const stream_info& s = inputs_.at(port);
    packet_builder b = in_pool_->acquire(s.channels, frames, s.kind);
    packet_header& h = b.header();
    h.rate_hz = s.rate_hz;
    h.first_frame = first_frame;
    h.t0_ns = t0_ns >= 0 ? t0_ns : static_cast<std::int64_t>(static_cast<double>(first_frame) * 1e9 / s.rate_hz);
    std::copy_n(values, std::size_t{frames} * s.channels, b.values().begin());
    if (!prepared_) {  // as the executor: just before the first packet
      if (status p = adapter_.prepare(); !p) {
        ADD_FAILURE() << "prepare: " << p.err().message;
        return flow::error;
      }
      prepared_ = true;
    }
    return adapter_.process(port, std::move(b).publish(), *this);
  }

  // Feeds a whole signal in packets whose sizes cycle through `sizes`.
  void push_all(const std::vector<float>& x, const std::vector<std::uint32_t>& sizes, std::size_t port = 0) {
    const std::uint32_t nch = inputs_.at(port).channels;
    const std::size_t frames = x.size() / nch;
    std::uint64_t f = 0;
    for (std::size_t i = 0; f < frames; ++i) {
      const auto n = static_cast<std::uint32_t>(std::min<std::size_t>(sizes[i % sizes.size()], frames - f));
      EXPECT_EQ(push(x.data() + f * nch, n, f, port), flow::ok);
      f += n;
    }
  }

  // false: emitted packets are counted and released at once (their buffers go
  // back to the pool), as in a running pipeline; for allocation tests.
  void keep_emitted(bool keep) { keep_ = keep; }
  std::size_t emitted_count() const { return emitted_count_; }

  const std::vector<packet_ref>& emitted() const { return emitted_; }
  // All emitted values, concatenated.
  std::vector<float> values() const {
    std::vector<float> v;
    for (const auto& p : emitted_) v.insert(v.end(), p->values().begin(), p->values().end());
    return v;
  }

 private:
  std::string_view stage_name() const override { return "under_test"; }
  std::size_t input_count() const override { return inputs_.size(); }
  const stream_info& input(std::size_t port) const override { return inputs_.at(port); }
  stream_info& output() override { return output_; }
  std::string resolve_path(std::string_view path) const override { return std::string(path); }
  sensor_registry& sensors() override { return sensors_; }
  bool dry_run() const override { return false; }
  demand_signal& demand() override { return *this; }
  topic_publisher* publisher() override { return nullptr; }
  void set(bool) noexcept override {}

  packet_builder make(std::uint32_t frames) override {
    packet_builder b = out_pool_->acquire(output_.channels, frames, output_.kind);
    b.header().rate_hz = output_.rate_hz;
    return b;
  }
  using emitter::emit;
  void emit(packet_ref p) override {
    ++emitted_count_;
    if (keep_) emitted_.push_back(std::move(p));
  }

  std::vector<stream_info> inputs_;
  stream_info output_;
  core::sensor_store sensors_;
  core::packet_pool::handle in_pool_, out_pool_;
  core::stage_adapter<S> adapter_;
  std::vector<packet_ref> emitted_;
  std::size_t emitted_count_ = 0;
  bool keep_ = true;
  bool prepared_ = false;
};

}  // namespace eegd::testing
