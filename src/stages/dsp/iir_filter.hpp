#pragma once

// What every IIR filter stage shares: the `precision` and `start` parameters,
// Nyquist checks that name the offending parameter, and the running
// dsp::sos_filter with its live coefficient swap. A filter stage then only
// declares its own parameters and how they become sections.

#include <array>
#include <string>
#include <string_view>

#include "dsp/sos_filter.hpp"
#include "eegd/stage.hpp"

namespace eegd::stages {

inline constexpr std::array<std::string_view, 2> precision_choices{"float64", "float32"};
inline constexpr std::array<std::string_view, 2> start_choices{"steady", "zero"};

// The two shared parameters, bound to members `precision_` and `start_` of S.
template <class S>
struct iir_params {
  static constexpr auto precision() {
    return eegd::param<&S::precision_>("precision")
        .one_of(precision_choices)
        .doc("arithmetic and state: float64 (exact to 1e-9 of scipy) or float32 (faster, ~1e-4; "
             "avoid for cutoffs below ~0.1% of the rate)");
  }
  static constexpr auto start() {
    return eegd::param<&S::start_>("start")
        .one_of(start_choices)
        .doc("initial state: steady (as if the first frame had lasted forever, like sosfilt_zi; "
             "no start-up transient from DC offsets) or zero (like sosfilt without zi)");
  }
};

// hz must lie strictly between 0 and Nyquist of `rate`.
eegd::status check_frequency(std::string_view param, double hz, double rate);
// low_hz < high_hz, both strictly inside (0, Nyquist).
eegd::status check_band(double low_hz, double high_hz, double rate);

class iir_filter {
 public:
  // Configures the engine for the input stream and appends `prefilter` to the
  // output stream's prefilter description.
  eegd::status build(eegd::build_context& ctx, const eegd::result<dsp::sos_matrix>& sos,
                     std::string_view precision, std::string_view start, std::string_view prefilter);
  // A live change: new coefficients, same state. A design the stage could not
  // make (it was validated by a dry-run build first, so this should not happen)
  // leaves the running filter as it was.
  void redesign(const eegd::result<dsp::sos_matrix>& sos);

  eegd::flow process(eegd::frames_in in, eegd::frames_out out) noexcept {
    filter_.process(in.data(), out.data(), in.frames());
    return eegd::flow::ok;
  }

  double rate() const noexcept { return rate_; }

 private:
  dsp::sos_filter filter_;
  std::size_t sections_ = 0;
  double rate_ = 0;
};

}  // namespace eegd::stages
