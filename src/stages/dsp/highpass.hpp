#pragma once

#include <cstdint>
#include <string>

#include "stages/dsp/iir_filter.hpp"

namespace eegd::stages {

// Butterworth high-pass (scipy.signal.butter(order, hz, 'highpass', output='sos')), e.g. to remove electrode drift.
struct highpass final : eegd::transform<highpass> {
  double hz_ = 1.0;
  std::int64_t order_ = 4;
  std::string precision_ = "float64";
  std::string start_ = "steady";

  static constexpr auto params = eegd::param_list(
      eegd::param<&highpass::hz_>("hz").unit("Hz").range(0.001, 32000).live().doc("cutoff frequency (-3 dB)"),
      eegd::param<&highpass::order_>("order").range(1, 16).doc("Butterworth order (sections: (order + 1) / 2)"),
      iir_params<highpass>::precision(), iir_params<highpass>::start());

  eegd::status build(eegd::build_context& ctx);
  eegd::flow process(eegd::frames_in in, eegd::frames_out out) noexcept { return filter_.process(in, out); }
  void on_params_changed();

 private:
  eegd::result<dsp::sos_matrix> design(double rate) const;
  iir_filter filter_;
};

}  // namespace eegd::stages
