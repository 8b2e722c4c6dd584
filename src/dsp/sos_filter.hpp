#pragma once

// A biquad cascade whose precision is chosen at run time (float32 state is
// faster, float64 is exact enough for low cutoffs at high sample rates), plus
// the choice of starting from rest or from steady state on the first frame.

#include <cstddef>

#include "dsp/biquad_cascade.hpp"

namespace eegd::dsp {

enum class precision { float32, float64 };

enum class start { zero, steady };  // steady: sosfilt_zi scaled by the first frame

class sos_filter {
 public:
  // Allocates; the state is initialised on the first processed frame.
  void configure(const sos_matrix& sos, std::size_t channels, precision p, start s);
  // Same number of sections, state kept (see biquad_cascade::set_coefficients).
  void set_coefficients(const sos_matrix& sos);
  void process(const float* in, float* out, std::size_t frames) noexcept;

 private:
  precision precision_ = precision::float32;
  start start_ = start::zero;
  bool started_ = false;
  biquad_cascade<float> f32_;
  biquad_cascade<double> f64_;
};

}  // namespace eegd::dsp
