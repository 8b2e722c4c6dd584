#include "dsp/sos_filter.hpp"

namespace eegd::dsp {

void sos_filter::configure(const sos_matrix& sos, std::size_t channels, precision p, start s) {
  precision_ = p;
  start_ = s;
  started_ = false;
  if (p == precision::float32) {
    f32_.configure(sos, channels);
    f64_ = {};
  } else {
    f64_.configure(sos, channels);
    f32_ = {};
  }
}

void sos_filter::set_coefficients(const sos_matrix& sos) {
  if (precision_ == precision::float32) f32_.set_coefficients(sos);
  else f64_.set_coefficients(sos);
}

void sos_filter::process(const float* in, float* out, std::size_t frames) noexcept {
  if (frames == 0) return;
  if (!started_) {
    started_ = true;
    if (start_ == start::steady) {
      if (precision_ == precision::float32) f32_.set_steady_state(in);
      else f64_.set_steady_state(in);
    }
  }
  if (precision_ == precision::float32) f32_.process(in, out, frames);
  else f64_.process(in, out, frames);
}

}  // namespace eegd::dsp
