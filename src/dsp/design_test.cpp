// Filter designs against scipy.signal (butter, cheby1, iirnotch, sosfilt_zi),
// coefficient by coefficient, plus stability of random valid designs.
#include "dsp/design.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "dsp/steady_state.hpp"
#include "golden/golden.hpp"

namespace eegd::dsp {
namespace {

// The design follows scipy's steps (prototype, prewarp, transform, bilinear,
// pairing) in the same order, so what remains is libm rounding of tan, exp and
// sqrt, amplified a little by clustered poles: 1e-10 of the row's scale.
constexpr double design_tol = 1e-10;

void expect_same_sos(const sos_matrix& got, const golden::array& want, const std::string& what) {
  ASSERT_EQ(got.size(), want.rows) << what;
  for (std::size_t r = 0; r < want.rows; ++r) {
    double num_scale = 0;
    for (std::size_t c = 0; c < 3; ++c) num_scale = std::max(num_scale, std::abs(want.at(r, c)));
    for (std::size_t c = 0; c < 6; ++c) {
      const double scale = c < 3 ? num_scale : 1.0;
      EXPECT_NEAR(got[r][c], want.at(r, c), design_tol * scale) << what << " section " << r << " coefficient " << c;
    }
  }
}

struct butter_case {
  int order;
  band type;
  const char* name;
  double fs, lo, hi;
};

TEST(Butter, MatchesScipySectionsAndSteadyState) {
  const butter_case cases[] = {
      {1, band::lowpass, "lowpass", 250, 40, 0},     {2, band::lowpass, "lowpass", 250, 40, 0},
      {5, band::lowpass, "lowpass", 4000, 100, 0},   {8, band::lowpass, "lowpass", 1000, 300, 0},
      {1, band::highpass, "highpass", 250, 1, 0},    {4, band::highpass, "highpass", 250, 0.5, 0},
      {3, band::highpass, "highpass", 4000, 1, 0},   {2, band::bandpass, "bandpass", 250, 1, 40},
      {4, band::bandpass, "bandpass", 250, 1, 40},   {4, band::bandpass, "bandpass", 4000, 1, 40},
      {3, band::bandpass, "bandpass", 500, 8, 13},   {4, band::bandstop, "bandstop", 250, 48, 52},
      {1, band::bandstop, "bandstop", 1000, 45, 65}, {5, band::bandstop, "bandstop", 4000, 55, 65},
  };
  std::vector<std::string> commands;
  for (const auto& c : cases) {
    std::string args = std::to_string(c.order) + " " + c.name + " " + std::to_string(c.fs) + " " + std::to_string(c.lo);
    if (c.type == band::bandpass || c.type == band::bandstop) args += " " + std::to_string(c.hi);
    commands.push_back("butter " + args);
  }
  const auto refs = golden::run_many(commands);
  for (std::size_t i = 0; i < commands.size(); ++i) {
    const auto& c = cases[i];
    const auto& ref = refs[i];
    ASSERT_TRUE(ref.count("sos") && ref.count("zi")) << commands[i];
    const sos_matrix sos = butter(c.order, c.type, c.lo, c.hi, c.fs);
    expect_same_sos(sos, ref.at("sos"), commands[i]);
    const auto zi = sosfilt_zi(sos);
    const auto& want = ref.at("zi");
    ASSERT_EQ(zi.size(), want.rows);
    for (std::size_t r = 0; r < want.rows; ++r)
      for (std::size_t k = 0; k < 2; ++k)
        EXPECT_NEAR(zi[r][k], want.at(r, k), 1e-9 * (1 + std::abs(want.at(r, k)))) << "zi " << commands[i] << " row " << r;
  }
}

TEST(Cheby1, MatchesScipyAntiAliasDesign) {
  const double cutoffs[] = {0.8 * 2000 / 2, 0.8 * 2000 / 8, 0.8 * 2000 / 16};
  std::vector<std::string> commands;
  for (double hz : cutoffs) commands.push_back("cheby1 8 0.05 " + std::to_string(hz) + " 4000");
  const auto refs = golden::run_many(commands);
  for (std::size_t i = 0; i < commands.size(); ++i) {
    ASSERT_TRUE(refs[i].count("sos")) << commands[i];
    expect_same_sos(cheby1_lowpass(8, 0.05, cutoffs[i], 4000), refs[i].at("sos"), commands[i]);
  }
}

TEST(IirNotch, MatchesScipy) {
  const std::tuple<double, double, double> cases[] = {{50, 30, 250}, {60, 30, 250}, {60, 5, 4000}, {120, 35, 1000}};
  std::vector<std::string> commands;
  for (auto [hz, q, fs] : cases)
    commands.push_back("notch " + std::to_string(hz) + " " + std::to_string(q) + " " + std::to_string(fs));
  const auto refs = golden::run_many(commands);
  for (std::size_t i = 0; i < commands.size(); ++i) {
    ASSERT_TRUE(refs[i].count("sos")) << commands[i];
    const auto [hz, q, fs] = cases[i];
    expect_same_sos({iirnotch(hz, q, fs)}, refs[i].at("sos"), commands[i]);
  }
}

TEST(Butter, RandomValidDesignsAreStable) {
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (int i = 0; i < 500; ++i) {
    const double fs = 100 + unit(rng) * 20000;
    const int order = 1 + static_cast<int>(unit(rng) * 10);
    const auto type = static_cast<band>(i % 4);
    const double a = (0.001 + unit(rng) * 0.49) * fs, b = (0.001 + unit(rng) * 0.49) * fs;
    if (std::abs(a - b) < 1e-6 * fs) continue;
    const sos_matrix sos = butter(order, type, std::min(a, b), std::max(a, b), fs);
    EXPECT_TRUE(is_stable(sos)) << "order " << order << " type " << i % 4 << " fs " << fs << " " << a << " " << b;
    EXPECT_EQ(sos.size(), static_cast<std::size_t>((type == band::lowpass || type == band::highpass) ? (order + 1) / 2 : order));
  }
}

TEST(Design, InvalidDesignsAreRejected) {
  EXPECT_THROW(butter(0, band::lowpass, 10, 0, 250), std::invalid_argument);
  EXPECT_THROW(butter(4, band::lowpass, 125, 0, 250), std::invalid_argument);
  EXPECT_THROW(butter(4, band::highpass, 0, 0, 250), std::invalid_argument);
  EXPECT_THROW(butter(4, band::bandpass, 40, 1, 250), std::invalid_argument);
  EXPECT_THROW(butter(4, band::bandstop, 10, 130, 250), std::invalid_argument);
  EXPECT_THROW(iirnotch(50, -1, 250), std::invalid_argument);
  EXPECT_THROW(iirnotch(130, 30, 250), std::invalid_argument);
}

}  // namespace
}  // namespace eegd::dsp
