#pragma once

#include <cstdint>
#include <string>

#include "stages/dsp/iir_filter.hpp"

namespace eegd::stages {

// Butterworth band-pass (scipy.signal.butter(order, [low_hz, high_hz], 'bandpass', output='sos')).
struct bandpass final : eegd::transform<bandpass> {
  double low_hz_ = 1.0;
  double high_hz_ = 40.0;
  std::int64_t order_ = 4;
  std::string precision_ = "float64";
  std::string start_ = "steady";

  static constexpr auto params = eegd::param_list(
      eegd::param<&bandpass::low_hz_>("low_hz").unit("Hz").range(0.001, 32000).live().doc("lower band edge (-3 dB)"),
      eegd::param<&bandpass::high_hz_>("high_hz").unit("Hz").range(0.001, 32000).live().doc("upper band edge (-3 dB)"),
      eegd::param<&bandpass::order_>("order").range(1, 16).doc("Butterworth order per edge (sections: order)"),
      iir_params<bandpass>::precision(), iir_params<bandpass>::start());

  eegd::status build(eegd::build_context& ctx);
  eegd::flow process(eegd::frames_in in, eegd::frames_out out) noexcept { return filter_.process(in, out); }
  void on_params_changed();

 private:
  eegd::result<dsp::sos_matrix> design(double rate) const;
  iir_filter filter_;
};

}  // namespace eegd::stages
