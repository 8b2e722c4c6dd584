// Welch PSD against scipy.signal.welch, and band integration on known answers.
#include "dsp/welch.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <string>
#include <utility>
#include <vector>

#include "golden/golden.hpp"

namespace eegd::dsp {
namespace {

TEST(Welch, MatchesScipyWelchPerChannel) {
  const std::pair<std::size_t, std::size_t> cases[] = {{250, 125}, {256, 0}, {101, 50}};
  std::vector<std::string> commands;
  for (auto [nperseg, noverlap] : cases)
    commands.push_back("welch 4 1000 11 250 " + std::to_string(nperseg) + " " + std::to_string(noverlap));
  const auto refs = golden::run_many(commands);
  for (std::size_t i = 0; i < commands.size(); ++i) {
    const auto [nperseg, noverlap] = cases[i];
    const auto& ref = refs[i];
    ASSERT_TRUE(ref.count("psd"));
    const auto& x = ref.at("x");
    const auto& want = ref.at("psd");
    welch w(nperseg, noverlap, 250);
    ASSERT_EQ(w.bins(), want.rows);
    std::vector<float> xf(x.v.begin(), x.v.end());
    std::vector<double> got(w.bins());
    for (std::size_t c = 0; c < x.cols; ++c) {
      w.psd(xf.data() + c, x.cols, x.rows, got.data());
      double peak = 0;
      for (std::size_t k = 0; k < want.rows; ++k) peak = std::max(peak, want.at(k, c));
      // The FFT runs in float32 on mean-removed data: 1e-5 of the peak bin.
      for (std::size_t k = 0; k < want.rows; ++k)
        EXPECT_NEAR(got[k], want.at(k, c), 1e-5 * peak) << "nperseg " << nperseg << " channel " << c << " bin " << k;
    }
  }
}

TEST(Welch, SinePowerIntegratesToHalfTheSquaredAmplitude) {
  // A 10 Hz sine of amplitude 20 has power 200 (units^2); the Hann window
  // spreads it over neighbouring bins, all inside 8-13 Hz.
  constexpr double fs = 250;
  std::vector<float> x(2000);
  for (std::size_t i = 0; i < x.size(); ++i)
    x[i] = static_cast<float>(20 * std::sin(2 * std::numbers::pi * 10 * static_cast<double>(i) / fs));
  welch w(500, 250, fs);
  std::vector<double> psd(w.bins());
  w.psd(x.data(), 1, x.size(), psd.data());
  EXPECT_NEAR(integrate_band(psd.data(), psd.size(), w.bin_hz(), 8, 13), 200.0, 200.0 * 0.01);
  EXPECT_LT(integrate_band(psd.data(), psd.size(), w.bin_hz(), 13, 30), 200.0 * 1e-3);
}

}  // namespace
}  // namespace eegd::dsp
