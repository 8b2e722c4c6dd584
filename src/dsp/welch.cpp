#include "dsp/welch.hpp"

#include <fftw3.h>

#include <cmath>
#include <complex>
#include <mutex>
#include <numbers>
#include <stdexcept>

namespace eegd::dsp {
namespace {

// FFTW's planner is not thread-safe and pipelines are built on several
// threads (control plane, tests); only fftwf_execute_* may run concurrently.
std::mutex& planner_mutex() {
  static std::mutex m;
  return m;
}

}  // namespace

struct welch::plan {
  float* in = nullptr;
  fftwf_complex* out = nullptr;
  fftwf_plan p = nullptr;

  explicit plan(std::size_t n) {
    std::lock_guard lock(planner_mutex());
    in = fftwf_alloc_real(n);
    out = fftwf_alloc_complex(n / 2 + 1);
    // FFTW_ESTIMATE: no measuring at build time, and it leaves the arrays alone.
    if (in && out) p = fftwf_plan_dft_r2c_1d(static_cast<int>(n), in, out, FFTW_ESTIMATE);
    if (!p) {
      release();
      throw std::runtime_error("FFTW could not plan the transform");
    }
  }
  ~plan() {
    std::lock_guard lock(planner_mutex());
    release();
  }
  plan(const plan&) = delete;
  plan& operator=(const plan&) = delete;

 private:
  void release() {
    if (p) fftwf_destroy_plan(p);
    fftwf_free(in);
    fftwf_free(out);
    p = nullptr, in = nullptr, out = nullptr;
  }
};

welch::welch(std::size_t nperseg, std::size_t noverlap, double fs)
    : nperseg_(nperseg), step_(nperseg - noverlap), fs_(fs) {
  if (nperseg < 2 || noverlap >= nperseg || !(fs > 0)) throw std::invalid_argument("invalid Welch segment settings");
  // scipy.signal.get_window('hann', n) is periodic (fftbins=True).
  window_.resize(nperseg);
  double sum_sq = 0;
  for (std::size_t i = 0; i < nperseg; ++i) {
    const double w = 0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * static_cast<double>(i) / static_cast<double>(nperseg));
    window_[i] = static_cast<float>(w);
    sum_sq += w * w;
  }
  scale_ = 1.0 / (fs * sum_sq);
  plan_ = std::make_unique<plan>(nperseg);
}

welch::~welch() = default;
welch::welch(welch&&) noexcept = default;
welch& welch::operator=(welch&&) noexcept = default;

std::size_t welch::segments(std::size_t n) const noexcept { return n < nperseg_ ? 0 : (n - nperseg_) / step_ + 1; }

void welch::psd(const float* x, std::size_t stride, std::size_t n, double* out) noexcept {
  const std::size_t nb = bins(), nseg = segments(n);
  for (std::size_t k = 0; k < nb; ++k) out[k] = 0;
  float* buf = plan_->in;
  for (std::size_t s = 0; s < nseg; ++s) {
    const float* seg = x + s * step_ * stride;
    double mean = 0;
    for (std::size_t i = 0; i < nperseg_; ++i) mean += seg[i * stride];
    mean /= static_cast<double>(nperseg_);
    for (std::size_t i = 0; i < nperseg_; ++i)
      buf[i] = static_cast<float>(static_cast<double>(seg[i * stride]) - mean) * window_[i];
    fftwf_execute(plan_->p);
    for (std::size_t k = 0; k < nb; ++k) {
      const double re = plan_->out[k][0], im = plan_->out[k][1];
      out[k] += re * re + im * im;
    }
  }
  // One-sided: every bin but DC (and Nyquist for even lengths) carries both halves.
  const bool even = nperseg_ % 2 == 0;
  for (std::size_t k = 0; k < nb; ++k) {
    const bool single = k == 0 || (even && k == nb - 1);
    out[k] *= scale_ * (single ? 1.0 : 2.0) / static_cast<double>(nseg);
  }
}

double integrate_band(const double* psd, std::size_t bins, double bin_hz, double lo_hz, double hi_hz) noexcept {
  double sum = 0;
  for (std::size_t k = 0; k < bins; ++k) {
    const double f = static_cast<double>(k) * bin_hz;
    if (f >= lo_hz && f < hi_hz) sum += psd[k];
  }
  return sum * bin_hz;
}

}  // namespace eegd::dsp
