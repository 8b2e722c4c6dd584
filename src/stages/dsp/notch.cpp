#include "stages/dsp/notch.hpp"

#include <cmath>

#include "dsp/design.hpp"

namespace eegd::stages {

eegd::result<dsp::sos_matrix> notch::design(double rate) const {
  if (auto s = check_frequency("hz", hz_, rate); !s) return s.err();
  const double allowed = std::ceil(rate / 2 / hz_) - 1;  // multiples strictly below Nyquist
  if (static_cast<double>(harmonics_) > allowed)
    return eegd::param_error("harmonics", "a notch at " + eegd::format_number(static_cast<double>(harmonics_) * hz_) +
                                              " Hz is not below Nyquist (" + eegd::format_number(rate / 2) +
                                              " Hz); allowed 1.." + eegd::format_number(allowed));
  dsp::sos_matrix sos;
  for (std::int64_t k = 1; k <= harmonics_; ++k) sos.push_back(dsp::iirnotch(static_cast<double>(k) * hz_, q_, rate));
  return sos;
}

eegd::status notch::build(eegd::build_context& ctx) {
  std::string text = "N:" + eegd::format_number(hz_) + "Hz";
  if (harmonics_ > 1) text += "x" + std::to_string(harmonics_);
  return filter_.build(ctx, design(ctx.input().rate_hz), precision_, start_, text);
}

void notch::on_params_changed() { filter_.redesign(design(filter_.rate())); }

}  // namespace eegd::stages
