#include "stages/dsp/to_voltage.hpp"

#include <algorithm>

namespace eegd::stages {

eegd::status to_voltage::build(eegd::build_context& ctx) {
  const stream_info& in = ctx.input();
  if (in.kind != packet_kind::raw_counts && in.kind != packet_kind::raw_and_voltage)
    return eegd::error{std::string("needs raw counts as input, got a ") + to_string(in.kind) + " stream", {}};
  if (in.uv_per_count.size() != in.channels)
    return eegd::error{"its input does not say how many microvolts a count is", {}};
  scale_.assign(in.uv_per_count.begin(), in.uv_per_count.end());
  stream_info& out = ctx.output();
  out.kind = keep_raw_ ? packet_kind::raw_and_voltage : packet_kind::voltage;
  out.units.assign(out.channels, "uV");
  if (!keep_raw_) out.uv_per_count.clear();
  return eegd::ok();
}

eegd::flow to_voltage::process(const eegd::packet_ref& in, eegd::emitter& out) noexcept {
  eegd::packet_builder b = out.derive(*in, in->frames());
  const auto counts = in->counts();
  const std::size_t nch = scale_.size();
  float* v = b.values().data();
  for (std::size_t i = 0, n = counts.size(); i < n; i += nch)
    for (std::size_t c = 0; c < nch; ++c) v[i + c] = static_cast<float>(counts[i + c]) * scale_[c];
  if (keep_raw_) std::copy(counts.begin(), counts.end(), b.counts().begin());
  out.emit(std::move(b));
  return eegd::flow::ok;
}

}  // namespace eegd::stages
