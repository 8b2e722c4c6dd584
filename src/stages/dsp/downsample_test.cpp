// downsample against scipy.signal.decimate(x, q, ftype='iir', zero_phase=False),
// and the bookkeeping of rates, frame indices and timestamps across packets.
#include "stages/dsp/downsample.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "golden/golden.hpp"
#include "stages/testing/stage_harness.hpp"

namespace eegd::stages {
namespace {

using testing::stage_harness;
using testing::voltage_stream;

TEST(Downsample, MatchesScipyDecimateIirPath) {
  const std::vector<std::string> commands = {"decimate 4 6000 9 4 1000", "decimate 3 8000 9 16 4000"};
  const auto refs = golden::run_many(commands);
  const std::int64_t factors[] = {4, 16};
  const double rates[] = {1000, 4000};
  for (std::size_t i = 0; i < commands.size(); ++i) {
    ASSERT_TRUE(refs[i].count("x") && refs[i].count("y")) << commands[i];
    const auto& x = refs[i].at("x");
    const auto& y = refs[i].at("y");
    stage_harness<downsample> h({voltage_stream(static_cast<std::uint32_t>(x.cols), rates[i])});
    ASSERT_TRUE(h.param("factor", factors[i]).ok());
    ASSERT_TRUE(h.param("start", std::string("zero")).ok());  // decimate starts from rest
    ASSERT_TRUE(h.build().ok());
    EXPECT_EQ(h.output_stream().rate_hz, rates[i] / static_cast<double>(factors[i]));
    h.push_all(std::vector<float>(x.v.begin(), x.v.end()), {1, 7, 32, 1000});
    const auto got = h.values();
    ASSERT_EQ(got.size(), y.v.size()) << commands[i];
    double scale = 0, worst = 0;
    for (double v : x.v) scale = std::max(scale, std::abs(v));
    for (std::size_t k = 0; k < got.size(); ++k) worst = std::max(worst, std::abs(got[k] - y.v[k]));
    // float64 filter state; the float32 output's rounding dominates: 1e-6 of full scale.
    EXPECT_LE(worst / scale, 1e-6) << commands[i];
  }
}

TEST(Downsample, FrameIndicesAndTimestampsStayOnTheOutputGrid) {
  constexpr double rate = 1000;
  stage_harness<downsample> h({voltage_stream(2, rate)});
  ASSERT_TRUE(h.param("factor", std::int64_t{4}).ok());
  ASSERT_TRUE(h.build().ok());
  std::vector<float> x(2 * 1000, 1.0f);
  // Packets of 1, 3, 7... frames, then a gap of 5 frames: kept frames are
  // those whose run index is a multiple of 4, wherever the packets split.
  std::uint64_t f = 0;
  const std::uint32_t sizes[] = {1, 3, 7, 2, 13};
  for (std::size_t i = 0; f < 200; ++i) {
    const std::uint32_t n = sizes[i % 5];
    ASSERT_EQ(h.push(x.data(), n, f), flow::ok);
    f += n;
    if (i == 10) f += 5;
  }
  std::uint64_t expect_next = 0;
  std::size_t frames_out = 0;
  for (const auto& p : h.emitted()) {
    const auto& hd = p->header();
    EXPECT_EQ(hd.rate_hz, 250.0);
    EXPECT_GE(hd.first_frame, expect_next);
    EXPECT_EQ(hd.t0_ns, static_cast<std::int64_t>(static_cast<double>(hd.first_frame * 4) * 1e6));
    expect_next = hd.first_frame + hd.frames;
    frames_out += hd.frames;
  }
  // Frames 0..(f-1) minus the 5-frame gap [the gap holds at most 2 multiples of 4].
  EXPECT_GE(frames_out, (f + 3) / 4 - 2);
  EXPECT_LE(frames_out, (f + 3) / 4);
  EXPECT_EQ(expect_next, (f + 3) / 4);
}

}  // namespace
}  // namespace eegd::stages
