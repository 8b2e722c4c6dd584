#include "stages/dsp/lowpass.hpp"

#include "dsp/design.hpp"

namespace eegd::stages {

eegd::result<dsp::sos_matrix> lowpass::design(double rate) const {
  if (auto s = check_frequency("hz", hz_, rate); !s) return s.err();
  return dsp::butter(static_cast<int>(order_), dsp::band::lowpass, hz_, 0, rate);
}

eegd::status lowpass::build(eegd::build_context& ctx) {
  return filter_.build(ctx, design(ctx.input().rate_hz), precision_, start_, "LP:" + eegd::format_number(hz_) + "Hz");
}

void lowpass::on_params_changed() { filter_.redesign(design(filter_.rate())); }

}  // namespace eegd::stages
