#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "stages/dsp/iir_filter.hpp"

namespace eegd::stages {

// Integer-factor decimation the way scipy.signal.decimate(x, factor,
// ftype='iir', zero_phase=False) does it: a Chebyshev type I low-pass
// (order 8, 0.05 dB ripple, edge at 0.8 of the new Nyquist) run causally,
// then every factor-th frame. Causal, because a live stream has no future.
//
// Frames are kept by their index in the run, not their position in a packet:
// input frame g survives when g % factor == 0 and becomes output frame
// g / factor with input frame g's timestamp. Packet sizes and gaps therefore
// never shift the output grid, and the header carries the new rate.
struct downsample final : eegd::transform<downsample> {
  std::int64_t factor_ = 2;
  std::string precision_ = "float64";
  std::string start_ = "steady";

  static constexpr auto params = eegd::param_list(
      eegd::param<&downsample::factor_>("factor").range(2, 256).doc("keep one frame in this many"),
      eegd::param<&downsample::precision_>("precision").one_of(precision_choices)
          .doc("anti-alias filter arithmetic: float64 or float32"),
      eegd::param<&downsample::start_>("start").one_of(start_choices)
          .doc("anti-alias filter initial state: steady (no transient from DC offsets) or zero (as scipy's decimate)"));

  eegd::status build(eegd::build_context& ctx);
  eegd::flow process(const eegd::packet_ref& in, eegd::emitter& out) noexcept;

 private:
  static constexpr std::size_t block_frames = 256;
  dsp::sos_filter filter_;
  std::vector<float> block_;  // filtered frames of the current block
  std::size_t channels_ = 0;
};

}  // namespace eegd::stages
