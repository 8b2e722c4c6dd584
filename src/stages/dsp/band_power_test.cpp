// band_power: known answers (a 10 Hz sine is alpha) and absolute powers
// against scipy.signal.welch integrated over each band.
#include "stages/dsp/band_power.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "golden/golden.hpp"
#include "stages/testing/stage_harness.hpp"

namespace eegd::stages {
namespace {

using testing::stage_harness;
using testing::voltage_stream;

const double edges[5][2] = {{1, 4}, {4, 8}, {8, 13}, {13, 30}, {30, 45}};

TEST(BandPower, TenHertzSineIsAlphaAndRelativePowersSumToOne) {
  constexpr double fs = 250;
  constexpr std::uint32_t channels = 3;
  stage_harness<band_power> h({voltage_stream(channels, fs)});
  ASSERT_TRUE(h.build().ok());
  const stream_info& out = h.output_stream();
  EXPECT_EQ(out.kind, packet_kind::derived);
  ASSERT_EQ(out.channels, 2u * channels * 5);
  EXPECT_EQ(out.channel_names[2], "ch1:alpha");
  EXPECT_EQ(out.channel_names[15 + 2], "ch1:alpha:rel");
  EXPECT_EQ(out.units[0], "uV^2");
  EXPECT_EQ(out.units[15], "ratio");
  // Updates come every whole number of frames: round(250 / 4) = 63, so 3.97 Hz.
  EXPECT_DOUBLE_EQ(out.rate_hz, fs / 63);

  std::vector<float> x(channels * 2500);
  for (std::size_t i = 0; i < 2500; ++i)
    for (std::size_t c = 0; c < channels; ++c)
      x[i * channels + c] = static_cast<float>(500.0 * static_cast<double>(c) +
                                               20 * std::sin(2 * std::numbers::pi * 10 * static_cast<double>(i) / fs));
  h.push_all(x, {1, 7, 32, 1000});
  // 10 s; the first update needs a full 2 s window, then one every 63 frames.
  ASSERT_EQ(h.emitted().size(), (2500u - 500u) / 63u + 1u);
  for (const auto& p : h.emitted()) {
    const auto v = p->values();
    for (std::size_t c = 0; c < channels; ++c) {
      double sum = 0;
      for (std::size_t b = 0; b < 5; ++b) sum += v[(channels + c) * 5 + b];
      EXPECT_NEAR(sum, 1.0, 1e-5);
      EXPECT_GT(v[(channels + c) * 5 + 2], 0.99) << "alpha share";
      // Power of a sine of amplitude 20: 200 uV^2, all of it in alpha (1%: window leakage).
      EXPECT_NEAR(v[c * 5 + 2], 200.0, 2.0);
    }
  }
}

TEST(BandPower, AbsolutePowerMatchesScipyWelchIntegratedOverEachBand) {
  // One update over exactly the 500 frames scipy sees: window 2 s, segments 1 s, half overlap.
  const auto ref = golden::run("welch 4 500 21 250 250 125");
  ASSERT_TRUE(ref.count("x") && ref.count("psd") && ref.count("f"));
  const auto& x = ref.at("x");
  const auto& psd = ref.at("psd");
  stage_harness<band_power> h({voltage_stream(4, 250)});
  ASSERT_TRUE(h.param("update_hz", 0.5).ok());
  ASSERT_TRUE(h.build().ok());
  h.push_all(std::vector<float>(x.v.begin(), x.v.end()), {7, 32});
  ASSERT_EQ(h.emitted().size(), 1u);
  const auto v = h.emitted()[0]->values();
  const double df = ref.at("f").v[1];
  for (std::size_t c = 0; c < 4; ++c)
    for (std::size_t b = 0; b < 5; ++b) {
      double want = 0;
      for (std::size_t k = 0; k < psd.rows; ++k) {
        const double f = ref.at("f").v[k];
        if (f >= edges[b][0] && f < edges[b][1]) want += psd.at(k, c) * df;
      }
      EXPECT_NEAR(v[c * 5 + b], want, 0.01 * want) << "channel " << c << " band " << b;
    }
  EXPECT_EQ(h.emitted()[0]->header().t0_ns, static_cast<std::int64_t>(499 * 4e6));
}

TEST(BandPower, BadSettingsNameTheParameter) {
  auto error_of = [](const std::string& k, const param_value& v) {
    stage_harness<band_power> h({voltage_stream(2, 250)});
    if (status s = h.param(k, v); !s) return s.err().param;
    const status s = h.build();
    return s.ok() ? std::string() : s.err().param;
  };
  EXPECT_EQ(error_of("segment", 3.0), "segment");
  EXPECT_EQ(error_of("bands", number_matrix{{1, 4}, {4, 8}, {8, 13}, {13, 30}, {200, 300}}), "bands");
  EXPECT_EQ(error_of("bands", number_matrix{{1, 4}, {8, 4}, {8, 13}, {13, 30}, {30, 45}}), "bands");
  EXPECT_EQ(error_of("band_names", std::vector<std::string>{"a"}), "band_names");
}

}  // namespace
}  // namespace eegd::stages
