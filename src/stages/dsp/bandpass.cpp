#include "stages/dsp/bandpass.hpp"

#include "dsp/design.hpp"

namespace eegd::stages {

eegd::result<dsp::sos_matrix> bandpass::design(double rate) const {
  if (auto s = check_band(low_hz_, high_hz_, rate); !s) return s.err();
  return dsp::butter(static_cast<int>(order_), dsp::band::bandpass, low_hz_, high_hz_, rate);
}

eegd::status bandpass::build(eegd::build_context& ctx) {
  return filter_.build(ctx, design(ctx.input().rate_hz), precision_, start_, "HP:" + eegd::format_number(low_hz_) + "Hz LP:" + eegd::format_number(high_hz_) + "Hz");
}

void bandpass::on_params_changed() { filter_.redesign(design(filter_.rate())); }

}  // namespace eegd::stages
