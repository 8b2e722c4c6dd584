#include "stages/dsp/downsample.hpp"

#include <algorithm>

#include "dsp/design.hpp"

namespace eegd::stages {

eegd::status downsample::build(eegd::build_context& ctx) {
  const stream_info& in = ctx.input();
  if (in.kind != packet_kind::voltage && in.kind != packet_kind::raw_and_voltage)
    return eegd::error{std::string("needs a voltage stream, got ") + to_string(in.kind) + "; put to_voltage before it", {}};
  const auto factor = static_cast<std::size_t>(factor_);
  const double cutoff = 0.8 * in.rate_hz / 2 / static_cast<double>(factor);
  channels_ = in.channels;
  filter_.configure(dsp::cheby1_lowpass(8, 0.05, cutoff, in.rate_hz), channels_,
                    precision_ == "float32" ? dsp::precision::float32 : dsp::precision::float64,
                    start_ == "zero" ? dsp::start::zero : dsp::start::steady);
  block_.assign(block_frames * channels_, 0.0f);
  stream_info& out = ctx.output();
  out.kind = packet_kind::voltage;
  out.rate_hz = in.rate_hz / static_cast<double>(factor);
  out.max_frames = static_cast<std::uint32_t>((in.max_frames + factor - 1) / factor);
  out.uv_per_count.clear();
  if (!out.prefilter.empty()) out.prefilter += ' ';
  out.prefilter += "LP:" + eegd::format_number(cutoff) + "Hz";
  return eegd::ok();
}

eegd::flow downsample::process(const eegd::packet_ref& in, eegd::emitter& out) noexcept {
  const packet_header& h = in->header();
  const std::uint64_t factor = static_cast<std::uint64_t>(factor_);
  const std::uint64_t first_kept = (h.first_frame + factor - 1) / factor * factor;  // first index divisible by factor
  const std::uint64_t end = h.first_frame + h.frames;
  const std::uint32_t kept = first_kept < end ? static_cast<std::uint32_t>((end - 1 - first_kept) / factor + 1) : 0;

  packet_builder b;
  if (kept > 0) {
    b = out.derive(*in, kept);
    b.header().first_frame = first_kept / factor;
    b.header().t0_ns = h.frame_time_ns(first_kept - h.first_frame);
  }
  // Every frame goes through the filter (its state needs them all); only the kept ones are copied out.
  const float* x = in->values().data();
  float* y = kept > 0 ? b.values().data() : nullptr;
  std::uint64_t next = first_kept;
  for (std::uint32_t done = 0; done < h.frames;) {
    const std::uint32_t n = std::min<std::uint32_t>(block_frames, h.frames - done);
    filter_.process(x + std::size_t{done} * channels_, block_.data(), n);
    for (; next < h.first_frame + done + n; next += factor) {
      const std::size_t row = next - h.first_frame - done;
      std::copy_n(block_.data() + row * channels_, channels_, y);
      y += channels_;
    }
    done += n;
  }
  if (kept > 0) out.emit(std::move(b));
  return eegd::flow::ok;
}

}  // namespace eegd::stages
