#pragma once

#include <cstdint>
#include <string>

#include "stages/dsp/iir_filter.hpp"

namespace eegd::stages {

// Butterworth band-stop (scipy.signal.butter(order, [low_hz, high_hz], 'bandstop', output='sos')).
struct bandstop final : eegd::transform<bandstop> {
  double low_hz_ = 45.0;
  double high_hz_ = 55.0;
  std::int64_t order_ = 4;
  std::string precision_ = "float64";
  std::string start_ = "steady";

  static constexpr auto params = eegd::param_list(
      eegd::param<&bandstop::low_hz_>("low_hz").unit("Hz").range(0.001, 32000).live().doc("lower band edge (-3 dB)"),
      eegd::param<&bandstop::high_hz_>("high_hz").unit("Hz").range(0.001, 32000).live().doc("upper band edge (-3 dB)"),
      eegd::param<&bandstop::order_>("order").range(1, 16).doc("Butterworth order per edge (sections: order)"),
      iir_params<bandstop>::precision(), iir_params<bandstop>::start());

  eegd::status build(eegd::build_context& ctx);
  eegd::flow process(eegd::frames_in in, eegd::frames_out out) noexcept { return filter_.process(in, out); }
  void on_params_changed();

 private:
  eegd::result<dsp::sos_matrix> design(double rate) const;
  iir_filter filter_;
};

}  // namespace eegd::stages
