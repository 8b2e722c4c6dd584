// Property: however a signal is cut into packets, a stage's output is the
// same, bit for bit (state carries over; nothing depends on packet size).
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "stages/dsp/band_power.hpp"
#include "stages/dsp/bandpass.hpp"
#include "stages/dsp/downsample.hpp"
#include "stages/dsp/notch.hpp"
#include "stages/testing/stage_harness.hpp"

namespace eegd::stages {
namespace {

using testing::stage_harness;
using testing::voltage_stream;

constexpr std::uint32_t channels = 4;
constexpr std::size_t frames = 3000;

std::vector<float> signal_of(std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> noise(0, 30);
  std::vector<float> x(channels * frames);
  for (std::size_t i = 0; i < x.size(); ++i)
    x[i] = 800.0f * static_cast<float>(i % channels) + noise(rng) +
           40.0f * static_cast<float>(std::sin(0.25 * static_cast<double>(i / channels)));
  return x;
}

template <class S>
std::pair<std::vector<float>, std::vector<std::uint64_t>> run(const std::vector<float>& x,
                                                              const std::vector<std::uint32_t>& sizes,
                                                              const std::vector<std::pair<std::string, param_value>>& ps) {
  stage_harness<S> h({voltage_stream(channels, 250, 4096)});
  for (const auto& [k, v] : ps) EXPECT_TRUE(h.param(k, v).ok()) << k;
  EXPECT_TRUE(h.build().ok());
  h.push_all(x, sizes);
  std::vector<std::uint64_t> indices;
  for (const auto& p : h.emitted())
    for (std::uint64_t f = 0; f < p->frames(); ++f) indices.push_back(p->header().first_frame + f);
  return {h.values(), indices};
}

template <class S>
void check_random_splits(const std::vector<std::pair<std::string, param_value>>& ps) {
  const auto x = signal_of(5);
  const auto whole = run<S>(x, {static_cast<std::uint32_t>(frames)}, ps);
  ASSERT_FALSE(whole.first.empty());
  std::mt19937 rng(17);
  std::uniform_int_distribution<std::uint32_t> size(1, 400);
  for (int trial = 0; trial < 10; ++trial) {
    std::vector<std::uint32_t> sizes(64);
    for (auto& s : sizes) s = size(rng);
    const auto split = run<S>(x, sizes, ps);
    ASSERT_EQ(split.first, whole.first) << "trial " << trial;
    ASSERT_EQ(split.second, whole.second) << "trial " << trial;
  }
}

TEST(PacketSplits, NeverChangeFilterOutput) {
  check_random_splits<bandpass>({});
  check_random_splits<notch>({{"precision", std::string("float32")}, {"harmonics", std::int64_t{2}}});
}

TEST(PacketSplits, NeverChangeDownsampleOutputOrItsFrameIndices) {
  check_random_splits<downsample>({{"factor", std::int64_t{3}}});
}

TEST(PacketSplits, NeverChangeBandPowers) {
  check_random_splits<band_power>({{"update_hz", 10.0}});
}

}  // namespace
}  // namespace eegd::stages
