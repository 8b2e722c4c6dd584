// The DSP engine's throughput. items_per_second counts channel-samples through
// the whole cascade; x_realtime says how many 4 kHz streams of that many
// channels one core keeps up with.
#include <benchmark/benchmark.h>

#include <cmath>
#include <random>
#include <vector>

#include "dsp/biquad_cascade.hpp"
#include "dsp/design.hpp"
#include "dsp/welch.hpp"

namespace {

using namespace eegd;

constexpr double rate = 4000;

// One second of noisy EEG-like input, interleaved.
std::vector<float> input(std::size_t channels, std::size_t frames) {
  std::mt19937 rng(1);
  std::normal_distribution<float> noise(0, 20);
  std::vector<float> x(channels * frames);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = 1000.0f + noise(rng);
  return x;
}

// Notch 60 Hz + Butterworth band-pass 1-40 Hz of order (sections - 1): 5 sections for order 4.
dsp::sos_matrix chain(std::size_t sections) {
  return dsp::cascade({dsp::iirnotch(60, 30, rate)},
                      dsp::butter(static_cast<int>(sections - 1), dsp::band::bandpass, 1, 40, rate));
}

template <class T>
void sos_cascade(benchmark::State& state) {
  const auto channels = static_cast<std::size_t>(state.range(0));
  const auto sections = static_cast<std::size_t>(state.range(1));
  const auto block = static_cast<std::size_t>(state.range(2));
  const std::size_t frames = 4000 / block * block;
  const auto x = input(channels, frames);
  std::vector<float> y(x.size());
  dsp::biquad_cascade<T> f;
  f.configure(chain(sections), channels);
  std::size_t at = 0;
  for (auto _ : state) {
    f.process(x.data() + at * channels, y.data() + at * channels, block);
    benchmark::DoNotOptimize(y.data());
    at = (at + block) % frames;
  }
  const double samples = static_cast<double>(state.iterations() * block * channels);
  state.SetItemsProcessed(static_cast<std::int64_t>(samples));
  state.counters["x_realtime"] = benchmark::Counter(samples / (static_cast<double>(channels) * rate), benchmark::Counter::kIsRate);
  state.counters["ns_per_sample_section"] =
      benchmark::Counter(samples * static_cast<double>(sections), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.SetLabel(sizeof(T) == 4 ? "float32" : "float64");
}

void BM_SosCascade(benchmark::State& state) {
  if (state.range(3) == 0) sos_cascade<float>(state);
  else sos_cascade<double>(state);
}
// channels, sections, block frames, precision (0: float32, 1: float64)
BENCHMARK(BM_SosCascade)->ArgsProduct({{8, 16, 32}, {5}, {32}, {0, 1}});

// The downsample stage's work at 4 kHz -> 250 Hz: the order-8 Chebyshev
// anti-alias filter over every input frame (float64), then every 16th frame kept.
void BM_Downsample(benchmark::State& state) {
  const auto channels = static_cast<std::size_t>(state.range(0));
  constexpr std::size_t block = 32, factor = 16, frames = 4000;
  const auto x = input(channels, frames);
  std::vector<float> y(block * channels), kept(block / factor * channels);
  dsp::biquad_cascade<double> f;
  f.configure(dsp::cheby1_lowpass(8, 0.05, 0.8 * rate / 2 / factor, rate), channels);
  std::size_t at = 0;
  for (auto _ : state) {
    f.process(x.data() + at * channels, y.data(), block);
    for (std::size_t k = 0; k < block / factor; ++k)
      std::copy_n(y.data() + k * factor * channels, channels, kept.data() + k * channels);
    benchmark::DoNotOptimize(kept.data());
    at = (at + block) % frames;
  }
  const double samples = static_cast<double>(state.iterations() * block * channels);
  state.SetItemsProcessed(static_cast<std::int64_t>(samples));
  state.counters["x_realtime"] = benchmark::Counter(samples / (static_cast<double>(channels) * rate), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Downsample)->Arg(32);

// One band_power update: Welch PSD (2 s window, 1 s segments, half overlap,
// fftw3f) and five band integrals per channel, at 250 Hz.
void BM_BandPower(benchmark::State& state) {
  const auto channels = static_cast<std::size_t>(state.range(0));
  constexpr double fs = 250;
  const auto x = input(channels, 500);
  dsp::welch w(250, 125, fs);
  std::vector<double> psd(w.bins());
  std::vector<double> powers(channels * 5);
  const double edges[5][2] = {{1, 4}, {4, 8}, {8, 13}, {13, 30}, {30, 45}};
  for (auto _ : state) {
    for (std::size_t c = 0; c < channels; ++c) {
      w.psd(x.data() + c, channels, 500, psd.data());
      for (std::size_t b = 0; b < 5; ++b)
        powers[c * 5 + b] = dsp::integrate_band(psd.data(), psd.size(), w.bin_hz(), edges[b][0], edges[b][1]);
    }
    benchmark::DoNotOptimize(powers.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));  // updates per second
}
BENCHMARK(BM_BandPower)->Arg(8)->Arg(32);

}  // namespace
