// The biquad engine against scipy.signal.sosfilt on the whole signal, fed in
// packets of 1, 7, 32 and 1000 frames: a packet boundary must not show.
#include "dsp/biquad_cascade.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <map>
#include <string>

#include "dsp/design.hpp"
#include "dsp/sos_filter.hpp"
#include "golden/golden.hpp"

namespace eegd::dsp {
namespace {

// The engine is checked with scipy's own sections (design_test checks the
// designs), so only the filtering arithmetic is compared here. Tolerances are
// relative to the signal's full scale, the peak of input or output
// (element-wise relative error is meaningless at zero crossings).
// float64 state: sosfilt also runs transposed direct form II in float64 in the
// same section order; the observed difference is ~1e-15, 1e-9 is the bound.
constexpr double tol_f64 = 1e-9;
// float32 state: every multiply-add rounds at 6e-8 of the values in the state,
// which hold the input's DC offset, and sections with poles near z = 1 amplify
// that by about 1 / (1 - |pole|); 1e-4 of full scale is the bound.
constexpr double tol_f32 = 1e-4;

const std::size_t packet_sizes[] = {1, 7, 32, 1000};

sos_matrix eeg_chain(double fs) {
  return cascade({iirnotch(50, 30, fs)}, butter(4, band::bandpass, 1, 40, fs));
}

sos_matrix to_sos(const golden::array& a) {
  sos_matrix sos(a.rows);
  for (std::size_t r = 0; r < a.rows; ++r)
    for (std::size_t c = 0; c < 6; ++c) sos[r][c] = a.at(r, c);
  return sos;
}

// Runs x (frames x channels, row-major) through `f` in packets cycling through packet_sizes.
template <class T, class IO>
std::vector<IO> run_in_packets(biquad_cascade<T>& f, const golden::array& x) {
  std::vector<IO> in(x.v.begin(), x.v.end()), out(in.size());
  std::size_t frame = 0;
  for (std::size_t i = 0; frame < x.rows; ++i) {
    const std::size_t n = std::min(packet_sizes[i % 4], x.rows - frame);
    f.process(in.data() + frame * x.cols, out.data() + frame * x.cols, n);
    frame += n;
  }
  return out;
}

template <class IO>
double worst_relative(const std::vector<IO>& got, const golden::array& want, const golden::array& x) {
  double scale = 0, worst = 0;
  for (std::size_t i = 0; i < want.v.size(); ++i) {
    scale = std::max({scale, std::abs(want.v[i]), std::abs(x.v[i])});
    worst = std::max(worst, std::abs(static_cast<double>(got[i]) - want.v[i]));
  }
  return worst / scale;
}

// Filters the golden input with the golden sections in both precisions.
void check_against_sosfilt(const std::map<std::string, golden::array>& ref, bool steady, bool check_f32,
                           const std::string& what) {
  ASSERT_TRUE(ref.count("x") && ref.count("y") && ref.count("sos")) << what;
  const auto& x = ref.at("x");
  const sos_matrix sos = to_sos(ref.at("sos"));
  {
    biquad_cascade<double> f;
    f.configure(sos, x.cols);
    if (steady) f.set_steady_state(&x.v[0]);
    EXPECT_LE(worst_relative(run_in_packets<double, double>(f, x), ref.at("y"), x), tol_f64) << "float64: " << what;
  }
  if (check_f32) {
    biquad_cascade<float> f;
    f.configure(sos, x.cols);
    const std::vector<float> first(x.v.begin(), x.v.begin() + static_cast<std::ptrdiff_t>(x.cols));
    if (steady) f.set_steady_state(first.data());
    EXPECT_LE(worst_relative(run_in_packets<float, float>(f, x), ref.at("y"), x), tol_f32) << "float32: " << what;
  }
}

TEST(BiquadCascade, MatchesSosfiltAt250HzFromRestAndFromSteadyState) {
  const std::vector<std::string> commands = {
      "sosfilt 8 5000 7 0 250 notch 50 30 butter 4 bandpass 1 40",
      "sosfilt 8 5000 7 1 250 notch 50 30 butter 4 bandpass 1 40",
      "sosfilt 3 3000 7 1 250 butter 2 highpass 0.5",
      "sosfilt 5 3000 7 0 250 butter 6 lowpass 30",
      "sosfilt 4 3000 7 1 250 butter 3 bandstop 45 55",
  };
  const auto refs = golden::run_many(commands);
  for (std::size_t i = 0; i < commands.size(); ++i)
    check_against_sosfilt(refs[i], commands[i].find(" 7 1 ") != std::string::npos, true, commands[i]);
}

TEST(BiquadCascade, MatchesSosfiltAt4kHzWith32ChannelsInFloat64) {
  // 1 Hz at 4 kHz puts poles within 0.2% of the unit circle, where float32
  // state loses digits: the research configuration uses float64.
  const std::string command = "sosfilt 32 8000 7 1 4000 notch 60 30 butter 4 bandpass 1 40";
  check_against_sosfilt(golden::run(command), true, false, command);
}

TEST(BiquadCascade, MatchesSosfiltOnRealOpenBciRecording) {
  // 8 channels of an OpenBCI Cyton at 250 Hz with DC offsets up to 62 mV.
  const auto ref = golden::run("openbci 6000 1 notch 60 30 butter 4 bandpass 1 40");
  ASSERT_TRUE(ref.count("x") && ref.count("y"));
  const auto& x = ref.at("x");
  const sos_matrix sos = cascade({iirnotch(60, 30, 250)}, butter(4, band::bandpass, 1, 40, 250));
  for (bool f32 : {false, true}) {
    std::vector<double> y;
    if (f32) {
      biquad_cascade<float> f;
      f.configure(sos, x.cols);
      const std::vector<float> first(x.v.begin(), x.v.begin() + static_cast<std::ptrdiff_t>(x.cols));
      f.set_steady_state(first.data());
      const auto yf = run_in_packets<float, float>(f, x);
      y.assign(yf.begin(), yf.end());
    } else {
      biquad_cascade<double> f;
      f.configure(sos, x.cols);
      f.set_steady_state(&x.v[0]);
      y = run_in_packets<double, double>(f, x);
    }
    // Designed here, not taken from scipy: design rounding adds ~1e-12.
    EXPECT_LE(worst_relative(y, ref.at("y"), x), f32 ? tol_f32 : tol_f64) << (f32 ? "float32" : "float64");
  }
}

TEST(BiquadCascade, PacketSplitsNeverChangeTheOutput) {
  const sos_matrix sos = eeg_chain(250);
  constexpr std::size_t channels = 5, frames = 3000;
  std::mt19937 rng(3);
  std::normal_distribution<float> noise(0, 50);
  std::vector<float> x(channels * frames);
  for (float& v : x) v = noise(rng);
  biquad_cascade<float> whole;
  whole.configure(sos, channels);
  std::vector<float> expect(x.size());
  whole.process(x.data(), expect.data(), frames);
  for (int trial = 0; trial < 20; ++trial) {
    biquad_cascade<float> split;
    split.configure(sos, channels);
    std::vector<float> got(x.size());
    std::uniform_int_distribution<std::size_t> size(1, 300);
    for (std::size_t f = 0; f < frames;) {
      const std::size_t n = std::min(size(rng), frames - f);
      split.process(x.data() + f * channels, got.data() + f * channels, n);
      f += n;
    }
    ASSERT_EQ(got, expect) << "trial " << trial;
  }
}

TEST(BiquadCascade, SteadyStateStartGivesAConstantOutputForAConstantInput) {
  const sos_matrix sos = butter(4, band::lowpass, 40, 0, 250);
  biquad_cascade<double> f;
  f.configure(sos, 2);
  const double level[2] = {1234.5, -800};
  f.set_steady_state(level);
  std::vector<double> x(2 * 100), y(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = level[i % 2];
  f.process(x.data(), y.data(), 100);
  for (std::size_t i = 0; i < y.size(); ++i) EXPECT_NEAR(y[i], level[i % 2], 1e-9 * 1234.5) << i;
}

TEST(BiquadCascade, CoefficientSwapGlitchIsNoLargerThanTheNewFiltersOwnTransient) {
  const sos_matrix a = butter(2, band::highpass, 1, 0, 250), b = butter(2, band::highpass, 3, 0, 250);
  constexpr std::size_t n = 2000, swap_at = 1000;
  std::vector<double> x(n);
  for (std::size_t i = 0; i < n; ++i)
    x[i] = 100 * std::sin(0.25 * static_cast<double>(i)) + 300 + 0.1 * static_cast<double>(i);
  // Reference: the new filter run over the whole signal (its settled output).
  biquad_cascade<double> settled, swapped, fresh;
  settled.configure(b, 1);
  swapped.configure(a, 1);
  fresh.configure(b, 1);
  std::vector<double> y_settled(n), y_swapped(n), y_fresh(n - swap_at);
  settled.process(x.data(), y_settled.data(), n);
  swapped.process(x.data(), y_swapped.data(), swap_at);
  // Swapping in the same coefficients is invisible.
  swapped.set_coefficients(a);
  swapped.set_coefficients(b);
  swapped.process(x.data() + swap_at, y_swapped.data() + swap_at, n - swap_at);
  // The new filter's own transient: starting it from rest at the swap point.
  fresh.process(x.data() + swap_at, y_fresh.data(), n - swap_at);
  double glitch = 0, transient = 0;
  for (std::size_t i = swap_at; i < n; ++i) {
    glitch = std::max(glitch, std::abs(y_swapped[i] - y_settled[i]));
    transient = std::max(transient, std::abs(y_fresh[i - swap_at] - y_settled[i]));
  }
  EXPECT_GT(transient, 0.0);
  EXPECT_LE(glitch, transient);
  EXPECT_THROW(swapped.set_coefficients(eeg_chain(250)), std::invalid_argument);
}

TEST(BiquadCascade, SwappingInTheSameCoefficientsChangesNothing) {
  const sos_matrix a = eeg_chain(250);
  std::vector<float> x(3 * 400);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(std::sin(0.05 * static_cast<double>(i)) * 100);
  biquad_cascade<float> plain, swapped;
  plain.configure(a, 3);
  swapped.configure(a, 3);
  std::vector<float> y1(x.size()), y2(x.size());
  plain.process(x.data(), y1.data(), 400);
  swapped.process(x.data(), y2.data(), 200);
  swapped.set_coefficients(a);
  swapped.process(x.data() + 600, y2.data() + 600, 200);
  EXPECT_EQ(y1, y2);
}

TEST(SosFilter, SteadyStartSeedsFromTheFirstFrameInEitherPrecision) {
  const sos_matrix sos = butter(2, band::highpass, 1, 0, 250);
  for (precision p : {precision::float32, precision::float64}) {
    sos_filter f;
    f.configure(sos, 3, p, start::steady);
    const std::vector<float> x(3 * 50, 5000.0f);
    std::vector<float> y(x.size());
    f.process(x.data(), y.data(), 50);
    // A highpass of a constant from steady state is zero from the start.
    for (float v : y) EXPECT_NEAR(v, 0.0f, 5000 * 1e-5);
  }
}

}  // namespace
}  // namespace eegd::dsp
