#include "stages/dsp/iir_filter.hpp"

namespace eegd::stages {

eegd::status check_frequency(std::string_view param, double hz, double rate) {
  const double nyquist = rate / 2;
  if (hz > 0 && hz < nyquist) return eegd::ok();
  return eegd::param_error(std::string(param), eegd::format_number(hz) + " Hz is out of range: it must lie between 0 and " +
                                                   "Nyquist (" + eegd::format_number(nyquist) + " Hz at " +
                                                   eegd::format_number(rate) + " Hz), exclusive");
}

eegd::status check_band(double low_hz, double high_hz, double rate) {
  if (auto s = check_frequency("low_hz", low_hz, rate); !s) return s;
  if (auto s = check_frequency("high_hz", high_hz, rate); !s) return s;
  if (low_hz >= high_hz)
    return eegd::param_error("high_hz", "must be above low_hz (" + eegd::format_number(low_hz) + " Hz), got " +
                                            eegd::format_number(high_hz) + " Hz");
  return eegd::ok();
}

eegd::status iir_filter::build(eegd::build_context& ctx, const eegd::result<dsp::sos_matrix>& sos,
                               std::string_view precision, std::string_view start, std::string_view prefilter) {
  if (!sos) return sos.err();
  const stream_info& in = ctx.input();
  rate_ = in.rate_hz;
  sections_ = sos->size();
  filter_.configure(sos.value(), in.channels, precision == "float32" ? dsp::precision::float32 : dsp::precision::float64,
                    start == "zero" ? dsp::start::zero : dsp::start::steady);
  std::string& pf = ctx.output().prefilter;
  if (!pf.empty()) pf += ' ';
  pf += prefilter;
  return eegd::ok();
}

void iir_filter::redesign(const eegd::result<dsp::sos_matrix>& sos) {
  if (!sos || sos->size() != sections_) return;
  filter_.set_coefficients(sos.value());
}

}  // namespace eegd::stages
