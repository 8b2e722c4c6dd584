#pragma once

// Welch power spectral density, as scipy.signal.welch with its defaults:
// periodic Hann window, mean removed from each segment (detrend='constant'),
// one-sided density scaling (units^2 / Hz), segments averaged by the mean.
// FFTs run in float32 through FFTW (fftw3f).

#include <cstddef>
#include <memory>
#include <vector>

namespace eegd::dsp {

class welch {
 public:
  // Plans the FFT and allocates; nperseg >= 2, noverlap < nperseg, fs > 0.
  welch(std::size_t nperseg, std::size_t noverlap, double fs);
  ~welch();
  welch(welch&&) noexcept;
  welch& operator=(welch&&) noexcept;

  // One-sided spectrum: bins of a real FFT of n points.
  static constexpr std::size_t bins_for(std::size_t n) noexcept { return n / 2 + 1; }
  std::size_t bins() const noexcept { return bins_for(nperseg_); }
  double bin_hz() const noexcept { return fs_ / static_cast<double>(nperseg_); }
  // Segments that fit in n samples.
  std::size_t segments(std::size_t n) const noexcept;

  // PSD of the n samples x[0], x[stride], x[2 * stride]... into out[0..bins()).
  // n must hold at least one segment. No allocation.
  void psd(const float* x, std::size_t stride, std::size_t n, double* out) noexcept;

 private:
  struct plan;
  std::size_t nperseg_ = 0;
  std::size_t step_ = 0;
  double fs_ = 0;
  double scale_ = 0;  // 1 / (fs * sum(window^2))
  std::vector<float> window_;
  std::unique_ptr<plan> plan_;
};

// Power in [lo_hz, hi_hz): the PSD bins whose frequency lies in that range,
// times the bin width (rectangle rule).
double integrate_band(const double* psd, std::size_t bins, double bin_hz, double lo_hz, double hi_hz) noexcept;

}  // namespace eegd::dsp
