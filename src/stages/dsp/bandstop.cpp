#include "stages/dsp/bandstop.hpp"

#include "dsp/design.hpp"

namespace eegd::stages {

eegd::result<dsp::sos_matrix> bandstop::design(double rate) const {
  if (auto s = check_band(low_hz_, high_hz_, rate); !s) return s.err();
  return dsp::butter(static_cast<int>(order_), dsp::band::bandstop, low_hz_, high_hz_, rate);
}

eegd::status bandstop::build(eegd::build_context& ctx) {
  return filter_.build(ctx, design(ctx.input().rate_hz), precision_, start_, "BS:" + eegd::format_number(low_hz_) + "-" + eegd::format_number(high_hz_) + "Hz");
}

void bandstop::on_params_changed() { filter_.redesign(design(filter_.rate())); }

}  // namespace eegd::stages
