#pragma once

#include <string>

#include "stages/dsp/iir_filter.hpp"

namespace eegd::stages {

// Any IIR filter given as second-order sections, e.g. pasted from
// scipy.signal.<design>(..., output='sos').tolist(). Each row is
// [b0, b1, b2, a0, a1, a2]; unstable sections are refused.
struct sos final : eegd::transform<sos> {
  eegd::number_matrix sections_;
  std::string precision_ = "float64";
  std::string start_ = "steady";

  static constexpr auto params = eegd::param_list(
      eegd::param<&sos::sections_>("sections").required().row_size(6).max_items(256)
          .doc("rows of [b0, b1, b2, a0, a1, a2], applied in order"),
      iir_params<sos>::precision(), iir_params<sos>::start());

  eegd::status build(eegd::build_context& ctx);
  eegd::flow process(eegd::frames_in in, eegd::frames_out out) noexcept { return filter_.process(in, out); }

 private:
  iir_filter filter_;
};

}  // namespace eegd::stages
