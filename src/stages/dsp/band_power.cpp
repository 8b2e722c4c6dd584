#include "stages/dsp/band_power.hpp"

#include <algorithm>
#include <cmath>

namespace eegd::stages {

eegd::status band_power::build(eegd::build_context& ctx) {
  const stream_info& in = ctx.input();
  if (in.kind != packet_kind::voltage && in.kind != packet_kind::raw_and_voltage)
    return eegd::error{std::string("needs a voltage stream, got ") + to_string(in.kind) + "; put to_voltage before it", {}};
  const double rate = in.rate_hz;
  window_frames_ = static_cast<std::size_t>(std::lround(window_ * rate));
  const auto nperseg = static_cast<std::size_t>(std::lround(segment_ * rate));
  const auto noverlap = static_cast<std::size_t>(std::floor(overlap_ * static_cast<double>(nperseg)));
  hop_frames_ = static_cast<std::size_t>(std::lround(rate / update_hz_));
  if (nperseg < 8)
    return eegd::param_error("segment", "holds only " + std::to_string(nperseg) + " frames at " +
                                            eegd::format_number(rate) + " Hz; needs at least 8");
  if (nperseg > window_frames_)
    return eegd::param_error("segment", "must not be longer than window (" + eegd::format_number(window_) + " s)");
  if (hop_frames_ < 1)
    return eegd::param_error("update_hz", "must be at most the input rate (" + eegd::format_number(rate) + " Hz)");
  if (bands_.empty()) return eegd::param_error("bands", "needs at least one band");
  if (band_names_.size() != bands_.size())
    return eegd::param_error("band_names", "needs one name per band (" + std::to_string(bands_.size()) + "), got " +
                                               std::to_string(band_names_.size()));
  for (const auto& b : bands_)
    if (!(b[0] < b[1]) || b[1] > rate / 2)
      return eegd::param_error("bands", "[" + eegd::format_number(b[0]) + ", " + eegd::format_number(b[1]) +
                                            "] must have low < high <= Nyquist (" + eegd::format_number(rate / 2) + " Hz)");

  channels_ = in.channels;
  nperseg_ = nperseg;
  noverlap_ = noverlap;
  rate_ = rate;
  welch_.reset();
  history_.assign(2 * window_frames_ * channels_, 0.0f);
  psd_.assign(dsp::welch::bins_for(nperseg), 0.0);
  pos_ = filled_ = since_update_ = 0;
  updates_ = 0;

  stream_info& out = ctx.output();
  std::vector<std::string> names;
  std::vector<std::string> units;
  for (int rel = 0; rel < 2; ++rel)
    for (std::size_t c = 0; c < channels_; ++c)
      for (const auto& band : band_names_) {
        const std::string& ch = c < in.channel_names.size() ? in.channel_names[c] : "ch" + std::to_string(c + 1);
        names.push_back(ch + ":" + band + (rel ? ":rel" : ""));
        units.emplace_back(rel ? "ratio" : "uV^2");
      }
  out.kind = packet_kind::derived;
  out.channels = static_cast<std::uint32_t>(names.size());
  out.channel_names = std::move(names);
  out.units = std::move(units);
  out.rate_hz = rate / static_cast<double>(hop_frames_);
  out.max_frames = 1;
  out.uv_per_count.clear();
  return eegd::ok();
}

// The FFT plan waits for the first packet: planning makes FFTW map nearly all
// of its 2.2 MB library, which a daemon whose band powers nobody watches
// should not hold.
eegd::status band_power::prepare() {
  if (!welch_) welch_.emplace(nperseg_, noverlap_, rate_);
  return eegd::ok();
}

eegd::flow band_power::process(const eegd::packet_ref& in, eegd::emitter& out) noexcept {
  const float* x = in->values().data();
  const std::size_t w = window_frames_, nch = channels_;
  for (std::uint32_t f = 0; f < in->frames(); ++f) {
    const float* frame = x + std::size_t{f} * nch;
    std::copy_n(frame, nch, history_.data() + pos_ * nch);
    std::copy_n(frame, nch, history_.data() + (pos_ + w) * nch);
    pos_ = (pos_ + 1) % w;
    filled_ = std::min(filled_ + 1, w);
    if (++since_update_ >= hop_frames_ && filled_ == w) {
      since_update_ = 0;
      emit_powers(*in, f, out);
    }
  }
  return eegd::flow::ok;
}

void band_power::emit_powers(const eegd::packet& in, std::uint32_t frame, eegd::emitter& out) noexcept {
  packet_builder b = out.derive(in, 1);
  b.header().first_frame = updates_++;
  b.header().t0_ns = in.header().frame_time_ns(frame);
  float* v = b.values().data();
  const std::size_t nb = bands_.size();
  dsp::welch& welch = *welch_;
  // After the write above, the oldest frame of the window sits at pos_.
  const float* window = history_.data() + pos_ * channels_;
  for (std::size_t c = 0; c < channels_; ++c) {
    welch.psd(window + c, channels_, window_frames_, psd_.data());
    double total = 0;
    for (std::size_t k = 0; k < nb; ++k) {
      const double p = dsp::integrate_band(psd_.data(), psd_.size(), welch.bin_hz(), bands_[k][0], bands_[k][1]);
      v[c * nb + k] = static_cast<float>(p);
      total += p;
    }
    for (std::size_t k = 0; k < nb; ++k)
      v[(channels_ + c) * nb + k] = total > 0 ? static_cast<float>(v[c * nb + k] / total) : 0.0f;
  }
  out.emit(std::move(b));
}

}  // namespace eegd::stages
