#pragma once

#include <cstdint>
#include <string>

#include "stages/dsp/iir_filter.hpp"

namespace eegd::stages {

// Butterworth low-pass (scipy.signal.butter(order, hz, 'lowpass', output='sos')).
struct lowpass final : eegd::transform<lowpass> {
  double hz_ = 40.0;
  std::int64_t order_ = 4;
  std::string precision_ = "float64";
  std::string start_ = "steady";

  static constexpr auto params = eegd::param_list(
      eegd::param<&lowpass::hz_>("hz").unit("Hz").range(0.001, 32000).live().doc("cutoff frequency (-3 dB)"),
      eegd::param<&lowpass::order_>("order").range(1, 16).doc("Butterworth order (sections: (order + 1) / 2)"),
      iir_params<lowpass>::precision(), iir_params<lowpass>::start());

  eegd::status build(eegd::build_context& ctx);
  eegd::flow process(eegd::frames_in in, eegd::frames_out out) noexcept { return filter_.process(in, out); }
  void on_params_changed();

 private:
  eegd::result<dsp::sos_matrix> design(double rate) const;
  iir_filter filter_;
};

}  // namespace eegd::stages
