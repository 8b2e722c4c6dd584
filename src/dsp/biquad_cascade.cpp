#include "dsp/biquad_cascade.hpp"

#include <algorithm>
#include <stdexcept>

#include "dsp/steady_state.hpp"

namespace eegd::dsp {
namespace {

// One section over one frame of all channels. `__restrict` tells the compiler
// the sample row and the two state rows never overlap, which is what lets it
// vectorise the channel loop without run-time alias checks.
template <class T>
inline void section_frame(T* __restrict x, T* __restrict z1, T* __restrict z2, std::size_t channels, T b0, T b1,
                          T b2, T a1, T a2) noexcept {
  for (std::size_t c = 0; c < channels; ++c) {
    const T xi = x[c];
    const T y = b0 * xi + z1[c];
    z1[c] = b1 * xi - a1 * y + z2[c];
    z2[c] = b2 * xi - a2 * y;
    x[c] = y;
  }
}

}  // namespace

template <class T>
void biquad_cascade<T>::configure(const sos_matrix& sos, std::size_t channels) {
  channels_ = channels;
  sections_ = sos.size();
  coef_.assign(sections_ * 5, T(0));
  z1_.assign(sections_ * channels_, T(0));
  z2_.assign(sections_ * channels_, T(0));
  block_.assign(block_frames * channels_, T(0));
  set_coefficients(sos);
}

template <class T>
void biquad_cascade<T>::set_coefficients(const sos_matrix& sos) {
  if (sos.size() != sections_) throw std::invalid_argument("a coefficient swap must keep the number of sections");
  for (std::size_t s = 0; s < sections_; ++s) {
    const section& r = sos[s];
    if (r[3] == 0.0) throw std::invalid_argument("a0 of a section must not be zero");
    for (std::size_t i = 0; i < 3; ++i) coef_[s * 5 + i] = static_cast<T>(r[i] / r[3]);
    coef_[s * 5 + 3] = static_cast<T>(r[4] / r[3]);
    coef_[s * 5 + 4] = static_cast<T>(r[5] / r[3]);
  }
  zi_ = sosfilt_zi(sos);
}

template <class T>
template <class In>
void biquad_cascade<T>::set_steady_state(const In* frame) noexcept {
  for (std::size_t s = 0; s < sections_; ++s)
    for (std::size_t c = 0; c < channels_; ++c) {
      z1_[s * channels_ + c] = static_cast<T>(zi_[s][0] * static_cast<double>(frame[c]));
      z2_[s * channels_ + c] = static_cast<T>(zi_[s][1] * static_cast<double>(frame[c]));
    }
}

template <class T>
template <class In, class Out>
void biquad_cascade<T>::process(const In* in, Out* out, std::size_t frames) noexcept {
  const std::size_t nch = channels_;
  T* buf = block_.data();
  for (std::size_t done = 0; done < frames;) {
    const std::size_t n = std::min(block_frames, frames - done);
    const std::size_t samples = n * nch;
    const In* src = in + done * nch;
    for (std::size_t i = 0; i < samples; ++i) buf[i] = static_cast<T>(src[i]);
    for (std::size_t s = 0; s < sections_; ++s) {
      const T* k = &coef_[s * 5];
      T* z1 = &z1_[s * nch];
      T* z2 = &z2_[s * nch];
      for (std::size_t f = 0; f < n; ++f) section_frame(buf + f * nch, z1, z2, nch, k[0], k[1], k[2], k[3], k[4]);
    }
    Out* dst = out + done * nch;
    for (std::size_t i = 0; i < samples; ++i) dst[i] = static_cast<Out>(buf[i]);
    done += n;
  }
}

template class biquad_cascade<float>;
template class biquad_cascade<double>;
template void biquad_cascade<float>::set_steady_state(const float*) noexcept;
template void biquad_cascade<float>::set_steady_state(const double*) noexcept;
template void biquad_cascade<double>::set_steady_state(const float*) noexcept;
template void biquad_cascade<double>::set_steady_state(const double*) noexcept;
template void biquad_cascade<float>::process(const float*, float*, std::size_t) noexcept;
template void biquad_cascade<float>::process(const double*, double*, std::size_t) noexcept;
template void biquad_cascade<double>::process(const float*, float*, std::size_t) noexcept;
template void biquad_cascade<double>::process(const double*, double*, std::size_t) noexcept;

}  // namespace eegd::dsp
