#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dsp/welch.hpp"
#include "eegd/stage.hpp"

namespace eegd::stages {

// Brain-wave band powers for the live display: a Welch PSD (as
// scipy.signal.welch: Hann window, segments with overlap, mean removed,
// density scaling) over the last `window` seconds of each channel, integrated
// over each band, recomputed `update_hz` times a second.
//
// Output (a derived stream, one frame per update, at update_hz): for C input
// channels and B bands, 2 * C * B values. The first C * B are absolute powers
// in uV^2, channel-major: [ch0 band0, ch0 band1, ..., ch1 band0, ...], named
// "<channel>:<band>"; the next C * B are the same bands relative to the sum of
// that channel's bands (ratio; they add up to 1), named "<channel>:<band>:rel".
// A band's power is the sum of the PSD bins with lo <= f < hi times the bin
// width. An output frame's timestamp is that of the newest input frame in the
// window; its frame index counts updates. Nothing is emitted until the first
// window is full.
struct band_power final : eegd::transform<band_power> {
  double window_ = 2.0;
  double segment_ = 1.0;
  double overlap_ = 0.5;
  double update_hz_ = 4.0;
  eegd::number_matrix bands_ = {{1, 4}, {4, 8}, {8, 13}, {13, 30}, {30, 45}};
  std::vector<std::string> band_names_ = {"delta", "theta", "alpha", "beta", "gamma"};

  static constexpr auto params = eegd::param_list(
      eegd::param<&band_power::window_>("window").unit("s").range(0.05, 60).doc("length of signal analysed per update"),
      eegd::param<&band_power::segment_>("segment").unit("s").range(0.01, 60)
          .doc("Welch segment length (frequency resolution 1 / segment); at most window"),
      eegd::param<&band_power::overlap_>("overlap").range(0, 0.95).doc("fraction of a segment shared with the next"),
      eegd::param<&band_power::update_hz_>("update_hz").unit("Hz").range(0.01, 1000).doc("updates per second"),
      eegd::param<&band_power::bands_>("bands").unit("Hz").range(0, 1e6).row_size(2).max_items(64)
          .doc("[low, high) edges of each band"),
      eegd::param<&band_power::band_names_>("band_names").max_items(64).doc("one name per band"));

  eegd::status build(eegd::build_context& ctx);
  eegd::status prepare();
  eegd::flow process(const eegd::packet_ref& in, eegd::emitter& out) noexcept;

 private:
  void emit_powers(const eegd::packet& in, std::uint32_t frame, eegd::emitter& out) noexcept;

  std::size_t channels_ = 0;
  std::size_t window_frames_ = 0;
  std::size_t hop_frames_ = 0;
  std::size_t nperseg_ = 0, noverlap_ = 0;  // Welch segments, in frames
  double rate_ = 0;
  std::optional<dsp::welch> welch_;  // one FFT plan and its buffers, shared by all channels; made by prepare()
  std::vector<float> history_;     // 2 * window frames: each frame written twice, so the
                                   // last window is always contiguous (at pos_)
  std::size_t pos_ = 0;
  std::size_t filled_ = 0;
  std::size_t since_update_ = 0;
  std::uint64_t updates_ = 0;
  std::vector<double> psd_;
};

}  // namespace eegd::stages
