#include "stages/sources/synthetic.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace eegd::stages {
namespace {

// Standard 10-20 labels in the order OpenBCI and most 32-channel caps use.
constexpr std::array<const char*, 32> ten_twenty = {
    "Fp1", "Fp2", "C3", "C4", "P7", "P8", "O1", "O2", "F7", "F8", "F3", "F4", "T7", "T8", "P3", "P4",
    "AF3", "AF4", "FC5", "FC6", "CP5", "CP6", "PO3", "PO4", "Fz", "Cz", "Pz", "Oz", "FC1", "FC2", "CP1", "CP2"};

constexpr std::array<double, 7> ads1299_gains = {1, 2, 4, 6, 8, 12, 24};
constexpr double full_scale_counts = 8388607.0;  // 2^23 - 1

std::uint64_t splitmix64(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Uniform in [-sqrt(3), sqrt(3)): unit variance, cheap.
double white(std::uint64_t& state) {
  const double u = static_cast<double>(splitmix64(state) >> 11) * 0x1.0p-53;
  return (2.0 * u - 1.0) * std::numbers::sqrt3;
}

// Paul Kellet's economy pink-noise filter (-3 dB/octave above ~10 Hz at 44.1 kHz,
// close enough to 1/f for EEG-like background at any rate).
double pink(double (&b)[3], double w) {
  b[0] = 0.99765 * b[0] + w * 0.0990460;
  b[1] = 0.96300 * b[1] + w * 0.2965164;
  b[2] = 0.57000 * b[2] + w * 1.0526913;
  return b[0] + b[1] + b[2] + w * 0.1848;
}

// RMS of the pink filter for unit-variance white input, measured once so
// noise_uv means what it says.
double pink_rms() {
  std::uint64_t s = 12345;
  double b[3] = {0, 0, 0}, sum = 0;
  constexpr int warmup = 2000, n = 200000;
  for (int i = 0; i < warmup + n; ++i) {
    const double p = pink(b, white(s));
    if (i >= warmup) sum += p * p;
  }
  return std::sqrt(sum / n);
}

}  // namespace

eegd::status synthetic::build(eegd::build_context& ctx) {
  if (std::find(ads1299_gains.begin(), ads1299_gains.end(), gain_) == ads1299_gains.end())
    return eegd::param_error("gain", "must be one of 1, 2, 4, 6, 8, 12, 24 (ADS1299 PGA gains)");
  if (sine_hz_.empty() || sine_uv_.empty())
    return eegd::param_error(sine_hz_.empty() ? "sine_hz" : "sine_uv", "needs at least one value");
  for (double f : sine_hz_)
    if (f >= rate_ / 2)
      return eegd::param_error("sine_hz", "must be below Nyquist (" + eegd::format_number(rate_ / 2) +
                                              " Hz), got " + eegd::format_number(f));
  const auto n = static_cast<std::size_t>(channels_);
  if (!channel_names_.empty() && channel_names_.size() != n)
    return eegd::param_error("channel_names", "has " + std::to_string(channel_names_.size()) + " names for " +
                                                  std::to_string(n) + " channels");
  std::vector<std::string> names = channel_names_;
  for (std::size_t c = names.size(); c < n; ++c)
    names.push_back(c < ten_twenty.size() && n <= ten_twenty.size() ? ten_twenty[c] : "ch" + std::to_string(c + 1));

  const double uv_per_count = vref_ / (gain_ * (full_scale_counts + 1)) * 1e6;
  counts_per_uv_ = 1.0 / uv_per_count;
  pink_scale_ = 1.0 / pink_rms();

  sensor_meta meta;
  meta.device = "synthetic";
  meta.rate_hz = rate_;
  meta.channel_names = names;
  meta.gain.assign(n, gain_);
  meta.vref_v = vref_;
  meta.uv_per_count.assign(n, uv_per_count);
  meta.resolution_bits = 24;

  stream_info& out = ctx.output();
  out.kind = packet_kind::raw_counts;
  out.rate_hz = rate_;
  out.set_channels(std::move(names), "counts");
  out.max_frames = static_cast<std::uint32_t>(batch_);
  out.uv_per_count = meta.uv_per_count;
  out.sensor = ctx.sensors().publish("synthetic:" + std::string(ctx.stage_name()), std::move(meta));

  state_.assign(n, {});
  for (std::size_t c = 0; c < n; ++c) {
    std::uint64_t s = static_cast<std::uint64_t>(seed_) * 0x100000001B3ull + c;
    state_[c].rng = splitmix64(s);
  }
  refresh_channels();
  return eegd::ok();
}

void synthetic::refresh_channels() {
  for (std::size_t c = 0; c < state_.size(); ++c) {
    state_[c].sine_hz = sine_hz_[c % sine_hz_.size()];
    state_[c].sine_counts = sine_uv_[c % sine_uv_.size()] * counts_per_uv_;
  }
}

void synthetic::on_params_changed() { refresh_channels(); }

void synthetic::on_resume() {
  // Real-time sources keep their clock running while paused: frames that were
  // not acquired are a gap, and indices keep matching wall time.
  if (!realtime_ || start_mono_ns_ < 0) return;
  const double elapsed_s = static_cast<double>(eegd::monotonic_ns() - start_mono_ns_) * 1e-9;
  const auto now_frame = static_cast<std::uint64_t>(elapsed_s * rate_);
  if (now_frame > next_frame_) {
    next_frame_ = now_frame;
    gap_ = true;
  }
}

void synthetic::generate(std::int32_t* out, std::uint64_t first_frame, std::uint32_t frames) {
  const std::size_t nch = state_.size();
  const double two_pi = 2.0 * std::numbers::pi;
  const double dc = dc_uv_ * counts_per_uv_;
  const double noise = noise_uv_ * pink_scale_ * counts_per_uv_;
  const double line = line_hz_ > 0 ? line_uv_ * counts_per_uv_ : 0.0;

  // Oscillators start each packet at the exact phase of its first frame and
  // rotate from there, so there is no drift and no per-sample sin().
  auto start_phase = [&](double hz) {
    const double cycles = hz * static_cast<double>(first_frame) / rate_;
    return two_pi * (cycles - std::floor(cycles));
  };
  const double line_step = two_pi * line_hz_ / rate_;
  double line_c = std::cos(start_phase(line_hz_)), line_s = std::sin(start_phase(line_hz_));
  const double line_dc = std::cos(line_step), line_ds = std::sin(line_step);

  for (std::size_t c = 0; c < nch; ++c) {
    channel_state& ch = state_[c];
    const double step = two_pi * ch.sine_hz / rate_;
    const double dcs = std::cos(step), dss = std::sin(step);
    double sc = std::cos(start_phase(ch.sine_hz)), ss = std::sin(start_phase(ch.sine_hz));
    double lc = line_c, ls = line_s;
    for (std::uint32_t f = 0; f < frames; ++f) {
      double v = dc + ch.sine_counts * ss + line * ls + noise * pink(ch.pink, white(ch.rng));
      v = std::clamp(std::round(v), -full_scale_counts - 1, full_scale_counts);
      out[f * nch + c] = static_cast<std::int32_t>(v);
      const double nsc = sc * dcs - ss * dss;
      ss = ss * dcs + sc * dss;
      sc = nsc;
      const double nlc = lc * line_dc - ls * line_ds;
      ls = ls * line_dc + lc * line_ds;
      lc = nlc;
    }
  }
}

eegd::flow synthetic::produce(eegd::emitter& out, eegd::source_context& ctx) {
  if (start_mono_ns_ < 0) {
    start_mono_ns_ = eegd::monotonic_ns();
    start_real_ns_ = eegd::realtime_ns();
  }
  const auto frames = static_cast<std::uint32_t>(batch_);
  if (realtime_) {
    // A packet exists once its last frame has been "acquired": frame k is
    // ready at k / rate, as an ADC's data-ready would signal it.
    const double last_s = static_cast<double>(next_frame_ + frames - 1) / rate_;
    if (!ctx.sleep_until(start_mono_ns_ + static_cast<std::int64_t>(last_s * 1e9))) return eegd::flow::ok;
  }
  const std::uint64_t first = next_frame_;
  next_frame_ += frames;
  if (drop_every_ > 0 && ++packets_ % static_cast<std::uint64_t>(drop_every_) == 0) {
    gap_ = true;  // simulated loss: these frames never arrive
    return eegd::flow::ok;
  }
  eegd::packet_builder b = out.make(frames);
  eegd::packet_header& h = b.header();
  h.first_frame = first;
  h.t0_ns = start_real_ns_ + static_cast<std::int64_t>(static_cast<double>(first) * 1e9 / rate_);
  if (gap_) h.flags |= eegd::packet_flags::gap;
  gap_ = false;
  generate(b.counts().data(), first, frames);
  out.emit(std::move(b));
  return eegd::flow::ok;
}

}  // namespace eegd::stages
