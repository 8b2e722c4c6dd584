#include "stages/dsp/select.hpp"

#include <algorithm>
#include <cmath>
#include <type_traits>

namespace eegd::stages {

eegd::status select::build(eegd::build_context& ctx) {
  const stream_info& in = ctx.input();
  if (names_.empty() == indices_.empty())
    return eegd::param_error(names_.empty() ? "names" : "indices", "give exactly one of names and indices");
  pick_.clear();
  for (const auto& name : names_) {
    const auto it = std::find(in.channel_names.begin(), in.channel_names.end(), name);
    if (it == in.channel_names.end()) {
      std::string known;
      for (const auto& n : in.channel_names) known += (known.empty() ? "" : ", ") + n;
      return eegd::param_error("names", "'" + name + "' is not a channel of the input; channels: " + known);
    }
    pick_.push_back(static_cast<std::size_t>(it - in.channel_names.begin()));
  }
  for (double i : indices_) {
    if (i != std::floor(i) || i >= in.channels)
      return eegd::param_error("indices", eegd::format_number(i) + " is not a channel index; allowed 0.." +
                                              std::to_string(in.channels - 1) + " (whole numbers)");
    pick_.push_back(static_cast<std::size_t>(i));
  }
  stream_info& out = ctx.output();
  auto subset = [&](const auto& all) {
    std::remove_cvref_t<decltype(all)> part;
    if (all.size() == in.channels)
      for (std::size_t c : pick_) part.push_back(all[c]);
    return part;
  };
  out.channel_names = subset(in.channel_names);
  out.units = subset(in.units);
  out.uv_per_count = subset(in.uv_per_count);
  out.channels = static_cast<std::uint32_t>(pick_.size());
  return eegd::ok();
}

eegd::flow select::process(const eegd::packet_ref& in, eegd::emitter& out) noexcept {
  const std::uint32_t frames = in->frames();
  const std::size_t nin = in->channels(), nout = pick_.size();
  packet_builder b = out.derive(*in, frames);
  const auto counts = in->counts();
  const auto values = in->values();
  auto counts_out = b.counts();
  auto values_out = b.values();
  for (std::size_t f = 0; f < frames; ++f)
    for (std::size_t k = 0; k < nout; ++k) {
      if (!counts.empty()) counts_out[f * nout + k] = counts[f * nin + pick_[k]];
      if (!values.empty()) values_out[f * nout + k] = values[f * nin + pick_[k]];
    }
  out.emit(std::move(b));
  return eegd::flow::ok;
}

}  // namespace eegd::stages
