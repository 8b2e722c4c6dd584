#pragma once

#include <cstdint>
#include <string>

#include "stages/dsp/iir_filter.hpp"

namespace eegd::stages {

// IIR notch against mains interference: one scipy.signal.iirnotch(k * hz, q)
// section per harmonic k = 1..harmonics. The same q at every harmonic keeps
// each notch's width proportional to its frequency, as iirnotch defines it.
struct notch final : eegd::transform<notch> {
  double hz_ = 50.0;
  double q_ = 30.0;
  std::int64_t harmonics_ = 1;
  std::string precision_ = "float64";
  std::string start_ = "steady";

  static constexpr auto params = eegd::param_list(
      eegd::param<&notch::hz_>("hz").unit("Hz").range(0.001, 32000).live().doc("frequency to remove (mains: 50 or 60)"),
      eegd::param<&notch::q_>("q").range(0.01, 1000).live().doc("quality factor: hz / notch width at -3 dB"),
      eegd::param<&notch::harmonics_>("harmonics").range(1, 64)
          .doc("notch hz, 2 hz, ... up to this many multiples (all below Nyquist)"),
      iir_params<notch>::precision(), iir_params<notch>::start());

  eegd::status build(eegd::build_context& ctx);
  eegd::flow process(eegd::frames_in in, eegd::frames_out out) noexcept { return filter_.process(in, out); }
  void on_params_changed();

 private:
  eegd::result<dsp::sos_matrix> design(double rate) const;
  iir_filter filter_;
};

}  // namespace eegd::stages
