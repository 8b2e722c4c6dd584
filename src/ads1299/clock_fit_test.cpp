// The drift estimator on the emulator's virtual clock: deterministic, no
// sleeping, with scheduling jitter that only ever delays an arrival.
#include "ads1299/clock_fit.hpp"

#include <gtest/gtest.h>

#include "ads1299/driver.hpp"
#include "ads1299/emulator.hpp"

namespace eegd::ads1299 {
namespace {

// Feeds `seconds` of DRDY arrivals from an emulated chip to a fit.
clock_fit fit_emulated(double drift_ppm, std::int64_t jitter_ns, double seconds, double rate = 4000) {
  emulator_options o;
  o.drift_ppm = drift_ppm;
  o.jitter_ns = jitter_ns;
  o.seed = 7;
  emulator emu(o);
  settings s;
  s.rate = rate;
  driver drv(emu, s);
  EXPECT_TRUE(drv.power_up());
  EXPECT_TRUE(drv.start());
  clock_fit fit(rate, static_cast<std::uint64_t>(rate / 2), 64);
  const auto frames = static_cast<std::uint64_t>(seconds * rate);
  for (std::uint64_t f = 0; f < frames; ++f) {
    drdy_event ev;
    EXPECT_EQ(drv.wait(1'000'000'000, ev), wait_status::ready);
    fit.add(f, ev.t_ns);
  }
  return fit;
}

TEST(ClockFit, A200PpmFastClockIsEstimatedWithin20PpmAfter10SecondsOfJitteryArrivals) {
  const clock_fit fit = fit_emulated(200, 300'000, 10);
  ASSERT_TRUE(fit.ready());
  EXPECT_NEAR(fit.drift_ppm(), 200, 20);
  EXPECT_NEAR(fit.rate_hz(), 4000 * 1.0002, 4000 * 20e-6);
}

TEST(ClockFit, ASlowClockGivesNegativeDrift) {
  const clock_fit fit = fit_emulated(-150, 300'000, 10, 250);
  ASSERT_TRUE(fit.ready());
  EXPECT_NEAR(fit.drift_ppm(), -150, 20);
}

TEST(ClockFit, WithoutJitterTheFitIsExact) {
  const clock_fit fit = fit_emulated(50, 0, 5);
  EXPECT_NEAR(fit.drift_ppm(), 50, 0.01);
  EXPECT_NEAR(fit.period_ns(), 250000 / 1.00005, 0.01);
}

TEST(ClockFit, TheLowerEnvelopeIgnoresLateArrivals) {
  // Every tenth arrival is 2 ms late; a plain regression through all points
  // would bend, the envelope does not.
  clock_fit fit(1000, 500, 32);
  for (std::uint64_t f = 0; f < 10000; ++f)
    fit.add(f, 1'000'000'000 + static_cast<std::int64_t>(f) * 1'000'000 + (f % 10 == 0 ? 2'000'000 : 0) +
                   static_cast<std::int64_t>(f * f % 7) * 1000);
  ASSERT_TRUE(fit.ready());
  EXPECT_NEAR(fit.drift_ppm(), 0, 1);
  EXPECT_NEAR(fit.time_at(20000), 1'000'000'000 + 20000 * 1e6, 20'000);
}

TEST(ClockFit, NotReadyBeforeThreeWindows) {
  clock_fit fit(1000, 1000, 8);
  for (std::uint64_t f = 0; f < 2500; ++f) fit.add(f, static_cast<std::int64_t>(f) * 1'000'000);
  EXPECT_FALSE(fit.ready());
  EXPECT_DOUBLE_EQ(fit.period_ns(), 1e6);
}

}  // namespace
}  // namespace eegd::ads1299
