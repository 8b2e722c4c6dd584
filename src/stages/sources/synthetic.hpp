#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "eegd/stage.hpp"

namespace eegd::stages {

// A deterministic stand-in for an ADS1299 board: per-channel sines, mains
// interference, pink noise and a DC offset, quantised to 24-bit counts at the
// chosen PGA gain. Paced in real time or as fast as possible; can drop packets
// on purpose to exercise gap handling.
struct synthetic final : eegd::source<synthetic> {
  std::int64_t channels_ = 8;
  double rate_ = 250.0;
  std::int64_t batch_ = 8;
  std::int64_t seed_ = 1;
  bool realtime_ = true;
  std::vector<double> sine_hz_ = {10.0};
  std::vector<double> sine_uv_ = {20.0};
  double line_hz_ = 50.0;
  double line_uv_ = 5.0;
  double noise_uv_ = 5.0;
  double dc_uv_ = 0.0;
  double gain_ = 24.0;
  double vref_ = 4.5;
  std::int64_t drop_every_ = 0;
  std::vector<std::string> channel_names_;

  static constexpr auto params = eegd::param_list(
      eegd::param<&synthetic::channels_>("channels").range(1, 512).doc("number of channels"),
      eegd::param<&synthetic::rate_>("rate").unit("Hz").range(1, 64000).doc("sample rate"),
      eegd::param<&synthetic::batch_>("batch").unit("frames").range(1, 4096).doc("frames per packet"),
      eegd::param<&synthetic::seed_>("seed").range(0, 4294967295.0).doc("noise seed; same seed, same data"),
      eegd::param<&synthetic::realtime_>("realtime").doc("pace output in real time (false: as fast as possible)"),
      eegd::param<&synthetic::sine_hz_>("sine_hz").unit("Hz").range(0, 32000)
          .doc("sine frequency per channel, repeated over the channels").live(),
      eegd::param<&synthetic::sine_uv_>("sine_uv").unit("uV").range(0, 1e6)
          .doc("sine amplitude per channel, repeated over the channels").live(),
      eegd::param<&synthetic::line_hz_>("line_hz").unit("Hz").range(0, 1000).doc("mains frequency, 0 for none").live(),
      eegd::param<&synthetic::line_uv_>("line_uv").unit("uV").range(0, 1e6).doc("mains amplitude").live(),
      eegd::param<&synthetic::noise_uv_>("noise_uv").unit("uV").range(0, 1e6).doc("pink noise RMS").live(),
      eegd::param<&synthetic::dc_uv_>("dc_uv").unit("uV").range(-1e6, 1e6).doc("DC offset").live(),
      eegd::param<&synthetic::gain_>("gain").range(1, 24).doc("ADS1299 PGA gain: 1, 2, 4, 6, 8, 12 or 24"),
      eegd::param<&synthetic::vref_>("vref").unit("V").range(1, 5).doc("ADC reference voltage"),
      eegd::param<&synthetic::drop_every_>("drop_every").unit("packets").range(0, 1e9)
          .doc("drop one packet in every N to simulate lost frames (0: never)"),
      eegd::param<&synthetic::channel_names_>("channel_names").max_items(512)
          .doc("channel labels (default: 10-20 names, then chN)"));

  eegd::status build(eegd::build_context& ctx);
  eegd::flow produce(eegd::emitter& out, eegd::source_context& ctx);
  void on_params_changed();
  void on_resume();

 private:
  struct channel_state {
    double sine_hz = 0, sine_counts = 0;
    std::uint64_t rng = 0;
    double pink[3] = {0, 0, 0};
  };
  void generate(std::int32_t* out, std::uint64_t first_frame, std::uint32_t frames);
  void refresh_channels();

  std::vector<channel_state> state_;
  double counts_per_uv_ = 0;
  double pink_scale_ = 0;
  std::uint64_t next_frame_ = 0;
  std::uint64_t packets_ = 0;
  std::int64_t start_mono_ns_ = -1;
  std::int64_t start_real_ns_ = 0;
  bool gap_ = false;
};

}  // namespace eegd::stages
