#include "stages/dsp/rereference.hpp"

#include <algorithm>

namespace eegd::stages {

eegd::status rereference::build(eegd::build_context& ctx) {
  const stream_info& in = ctx.input();
  average_ = mode_ == "average";
  if (average_) {
    if (!channel_.empty()) return eegd::param_error("channel", "is only used with mode: channel");
  } else {
    const auto& names = in.channel_names;
    const auto it = std::find(names.begin(), names.end(), channel_);
    if (it == names.end()) {
      std::string known;
      for (const auto& n : names) known += (known.empty() ? "" : ", ") + n;
      return eegd::param_error("channel", "'" + channel_ + "' is not a channel of the input; channels: " + known);
    }
    ref_ = static_cast<std::size_t>(it - names.begin());
  }
  std::string& pf = ctx.output().prefilter;
  if (!pf.empty()) pf += ' ';
  pf += average_ ? "REF:avg" : "REF:" + channel_;
  return eegd::ok();
}

eegd::flow rereference::process(eegd::frames_in in, eegd::frames_out out) noexcept {
  const std::size_t nch = in.channels();
  const float* x = in.data();
  float* y = out.data();
  for (std::size_t f = 0, n = in.frames(); f < n; ++f, x += nch, y += nch) {
    float ref = x[ref_];
    if (average_) {
      double sum = 0;  // double: 32 channels of tens of mV must not lose the microvolts
      for (std::size_t c = 0; c < nch; ++c) sum += x[c];
      ref = static_cast<float>(sum / static_cast<double>(nch));
    }
    for (std::size_t c = 0; c < nch; ++c) y[c] = x[c] - ref;
  }
  return eegd::flow::ok;
}

}  // namespace eegd::stages
