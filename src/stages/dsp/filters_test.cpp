// The filter stages end to end (parameters -> design -> engine -> packets)
// against scipy.signal.sosfilt, plus their build-time errors and live changes.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "golden/golden.hpp"
#include "stages/dsp/bandpass.hpp"
#include "stages/dsp/bandstop.hpp"
#include "stages/dsp/highpass.hpp"
#include "stages/dsp/lowpass.hpp"
#include "stages/dsp/notch.hpp"
#include "stages/dsp/sos_stage.hpp"
#include "stages/testing/stage_harness.hpp"

namespace eegd::stages {
namespace {

using testing::stage_harness;
using testing::voltage_stream;
using params = std::vector<std::pair<std::string, param_value>>;

const std::vector<std::uint32_t> packet_sizes = {1, 7, 32, 1000};

// Relative to full scale (peak of input or output). float64 state: packets
// carry float32, so the output's own rounding (6e-8) dominates; 1e-6 leaves
// room for design rounding. float32 state: the 1e-4.
constexpr double tol_f64 = 1e-6;
constexpr double tol_f32 = 1e-4;

template <class S>
double run_against(const std::map<std::string, golden::array>& ref, const params& ps, const std::string& what) {
  const auto& x = ref.at("x");
  const auto& y = ref.at("y");
  stage_harness<S> h({voltage_stream(static_cast<std::uint32_t>(x.cols), 250)});
  for (const auto& [k, v] : ps) EXPECT_TRUE(h.param(k, v).ok()) << what << " " << k;
  const status built = h.build();
  EXPECT_TRUE(built.ok()) << what << ": " << (built.ok() ? "" : built.err().message);
  if (!built) return 1e9;
  h.push_all(std::vector<float>(x.v.begin(), x.v.end()), packet_sizes);
  const auto got = h.values();
  EXPECT_EQ(got.size(), y.v.size()) << what;
  double scale = 0, worst = 0;
  for (std::size_t i = 0; i < std::min(got.size(), y.v.size()); ++i) {
    scale = std::max({scale, std::abs(y.v[i]), std::abs(x.v[i])});
    worst = std::max(worst, std::abs(static_cast<double>(got[i]) - y.v[i]));
  }
  return worst / scale;
}

TEST(FilterStages, MatchScipySosfiltInPacketsOfEverySize) {
  const std::vector<std::string> commands = {
      "sosfilt 8 4000 5 1 250 notch 50 30 notch 100 30",
      "sosfilt 8 4000 5 1 250 butter 4 highpass 1",
      "sosfilt 8 4000 5 0 250 butter 4 highpass 1",
      "sosfilt 8 4000 5 1 250 butter 4 lowpass 40",
      "sosfilt 8 4000 5 1 250 butter 4 bandpass 1 40",
      "sosfilt 8 4000 5 1 250 butter 2 bandstop 45 55",
      "sosfilt 8 4000 5 1 250 butter 3 lowpass 30",
  };
  const auto refs = golden::run_many(commands);
  for (const auto& ref : refs) ASSERT_TRUE(ref.count("x") && ref.count("y") && ref.count("sos"));
  number_matrix sections;
  for (std::size_t r = 0; r < refs[6].at("sos").rows; ++r) {
    sections.emplace_back();
    for (std::size_t c = 0; c < 6; ++c) sections.back().push_back(refs[6].at("sos").at(r, c));
  }
  for (const std::string precision : {"float64", "float32"}) {
    const double tol = precision == "float64" ? tol_f64 : tol_f32;
    const param_value p = precision;
    EXPECT_LE(run_against<notch>(refs[0], {{"hz", 50.0}, {"q", 30.0}, {"harmonics", std::int64_t{2}}, {"precision", p}}, commands[0]), tol) << precision;
    EXPECT_LE(run_against<highpass>(refs[1], {{"hz", 1.0}, {"order", std::int64_t{4}}, {"precision", p}}, commands[1]), tol) << precision;
    EXPECT_LE(run_against<highpass>(refs[2], {{"hz", 1.0}, {"start", std::string("zero")}, {"precision", p}}, commands[2]), tol) << precision;
    EXPECT_LE(run_against<lowpass>(refs[3], {{"hz", 40.0}, {"precision", p}}, commands[3]), tol) << precision;
    EXPECT_LE(run_against<bandpass>(refs[4], {{"low_hz", 1.0}, {"high_hz", 40.0}, {"precision", p}}, commands[4]), tol) << precision;
    EXPECT_LE(run_against<bandstop>(refs[5], {{"low_hz", 45.0}, {"high_hz", 55.0}, {"order", std::int64_t{2}}, {"precision", p}}, commands[5]), tol) << precision;
    EXPECT_LE(run_against<sos>(refs[6], {{"sections", sections}, {"precision", p}}, commands[6]), tol) << precision;
  }
}

template <class S>
error build_error(const params& ps, double rate = 250) {
  stage_harness<S> h({voltage_stream(4, rate)});
  for (const auto& [k, v] : ps)
    if (status s = h.param(k, v); !s) return s.err();
  const status s = h.build();
  EXPECT_FALSE(s.ok());
  return s.ok() ? error{} : s.err();
}

TEST(FilterStages, InvalidDesignsNameTheParameterAndTheAllowedRange) {
  error e = build_error<highpass>({{"hz", 130.0}});
  EXPECT_EQ(e.param, "hz");
  EXPECT_NE(e.message.find("Nyquist (125 Hz"), std::string::npos) << e.message;
  e = build_error<lowpass>({{"hz", 125.0}});
  EXPECT_EQ(e.param, "hz");
  e = build_error<bandpass>({{"low_hz", 40.0}, {"high_hz", 30.0}});
  EXPECT_EQ(e.param, "high_hz");
  e = build_error<bandstop>({{"low_hz", 45.0}, {"high_hz", 200.0}});
  EXPECT_EQ(e.param, "high_hz");
  e = build_error<notch>({{"hz", 50.0}, {"harmonics", std::int64_t{3}}});
  EXPECT_EQ(e.param, "harmonics");
  EXPECT_NE(e.message.find("allowed 1..2"), std::string::npos) << e.message;
  e = build_error<notch>({{"q", -1.0}});
  EXPECT_EQ(e.param, "q");
  EXPECT_NE(e.message.find("allowed 0.01..1000"), std::string::npos) << e.message;
  e = build_error<highpass>({{"order", std::int64_t{0}}});
  EXPECT_EQ(e.param, "order");
  e = build_error<sos>({{"sections", number_matrix{{1, 0, 0, 1, -2.5, 1.5}}}});
  EXPECT_EQ(e.param, "sections");
  EXPECT_NE(e.message.find("unstable"), std::string::npos) << e.message;
  e = build_error<sos>({});
  EXPECT_EQ(e.param, "sections");
}

TEST(FilterStages, DescribeThemselvesInThePrefilterField) {
  stage_harness<bandpass> h({voltage_stream(2, 250)});
  ASSERT_TRUE(h.build().ok());
  EXPECT_EQ(h.output_stream().prefilter, "HP:1Hz LP:40Hz");
  stage_harness<notch> n({voltage_stream(2, 250)});
  ASSERT_TRUE(n.param("hz", 60.0).ok());
  ASSERT_TRUE(n.build().ok());
  EXPECT_EQ(n.output_stream().prefilter, "N:60Hz");
}

TEST(FilterStages, LiveNotchChangeRetunesWithoutRestarting) {
  // A 60 Hz hum through a 50 Hz notch, then the notch is moved to 60 Hz live.
  constexpr double fs = 250;
  constexpr std::uint32_t frames = 2500;
  std::vector<float> x(frames);
  for (std::size_t i = 0; i < frames; ++i)
    x[i] = static_cast<float>(100 * std::sin(2 * std::numbers::pi * 60 * static_cast<double>(i) / fs));
  stage_harness<notch> h({voltage_stream(1, fs)});
  ASSERT_TRUE(h.build().ok());
  std::uint64_t f = 0;
  for (; f < frames / 2; f += 25) ASSERT_EQ(h.push(x.data() + f, 25, f), flow::ok);
  ASSERT_TRUE(h.live("hz", 60.0).ok());
  for (; f < frames; f += 25) ASSERT_EQ(h.push(x.data() + f, 25, f), flow::ok);
  const auto y = h.values();
  ASSERT_EQ(y.size(), frames);
  double before = 0, settled = 0, peak_after = 0;
  for (std::size_t i = 250; i < frames / 2; ++i) before = std::max(before, double(std::abs(y[i])));
  for (std::size_t i = frames / 2; i < frames; ++i) peak_after = std::max(peak_after, double(std::abs(y[i])));
  for (std::size_t i = frames - 250; i < frames; ++i) settled = std::max(settled, double(std::abs(y[i])));
  EXPECT_GT(before, 90.0);       // the 50 Hz notch leaves 60 Hz through
  EXPECT_LT(settled, 1.0);       // the retuned notch removes it (< 1% after 4 s)
  EXPECT_LT(peak_after, 110.0);  // and the switch itself does not kick the output
}

}  // namespace
}  // namespace eegd::stages
