#pragma once

// A cascade of biquads (transposed direct form II, like scipy's sosfilt) run
// over interleaved frames, channel innermost.
//
// Why this layout: the loop nest is sections (outer) -> frames -> channels
// (inner), and each section's state is two contiguous arrays indexed by
// channel. The channel loop then has no dependence between iterations and the
// compiler vectorises it (SSE/AVX/NEON) without intrinsics. Frames are taken
// in blocks of `block_frames` so a block stays in L1 across all sections.
//
// State persists between calls: splitting a signal into packets of any size
// gives the same output as filtering it in one go. configure() and
// set_coefficients() allocate; process() and set_steady_state() do not.

#include <array>
#include <cstddef>
#include <vector>

#include "dsp/sos.hpp"

namespace eegd::dsp {

template <class T>  // float or double: the precision of coefficients, state and arithmetic
class biquad_cascade {
 public:
  static constexpr std::size_t block_frames = 64;

  // Sets the sections and the channel count; state starts at zero.
  void configure(const sos_matrix& sos, std::size_t channels);
  // New coefficients for the same number of sections, keeping the state: a
  // live parameter change continues from where the signal is, so the only
  // disturbance is the new filter's own transient. Throws std::invalid_argument
  // when the section count differs.
  void set_coefficients(const sos_matrix& sos);
  // State as if `frame` (one value per channel) had been the input forever
  // (scipy's sosfilt_zi(sos) * x[0]).
  template <class In>
  void set_steady_state(const In* frame) noexcept;

  // Filters `frames` interleaved frames; `in` and `out` may be the same buffer.
  template <class In, class Out>
  void process(const In* in, Out* out, std::size_t frames) noexcept;

 private:
  std::size_t sections_ = 0;
  std::size_t channels_ = 0;
  std::vector<T> coef_;   // per section: b0, b1, b2, a1, a2 (divided by a0)
  std::vector<T> z1_;     // [section * channels + channel]
  std::vector<T> z2_;
  std::vector<std::array<double, 2>> zi_;  // steady-state state for a unit step
  std::vector<T> block_;  // block_frames * channels working samples
};

extern template class biquad_cascade<float>;
extern template class biquad_cascade<double>;

}  // namespace eegd::dsp
