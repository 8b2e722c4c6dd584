// The emulator against the datasheet: reset values, register access, the
// internal test signal, daisy-chain order and lead-off status bits.
#include "ads1299/emulator.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "ads1299/driver.hpp"

namespace eegd::ads1299 {
namespace {

std::vector<std::uint8_t> xfer(emulator& e, std::vector<std::uint8_t> tx) {
  std::vector<std::uint8_t> rx(tx.size());
  EXPECT_TRUE(e.transfer(tx, rx, 0));
  return rx;
}

std::vector<std::uint8_t> read_all(emulator& e) {
  std::vector<std::uint8_t> tx(2 + reg::count, 0);
  tx[0] = cmd::rreg;
  tx[1] = reg::count - 1;
  auto rx = xfer(e, tx);
  return {rx.begin() + 2, rx.end()};
}

TEST(Emulator, RegistersHoldTheDatasheetResetValues) {
  emulator e({});
  xfer(e, {cmd::sdatac});
  const auto regs = read_all(e);
  EXPECT_EQ(regs, std::vector<std::uint8_t>(reset_values.begin(), reset_values.end()));
  EXPECT_EQ(regs[reg::id], 0x3E);
  EXPECT_EQ(regs[reg::config1], 0x96);
  EXPECT_EQ(regs[reg::ch1set + 7], 0x61);
}

TEST(Emulator, MultiByteWregReadsBackAndSparesReadOnlyRegisters) {
  emulator e({});
  xfer(e, {cmd::sdatac});
  xfer(e, {cmd::wreg | reg::ch1set, 7, 0x00, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x85});
  xfer(e, {cmd::wreg | reg::id, 0, 0x00});
  xfer(e, {cmd::wreg | reg::gpio, 1, 0xA0, 0x20});
  auto rx = xfer(e, {cmd::rreg | reg::ch1set, 7, 0, 0, 0, 0, 0, 0, 0, 0});
  EXPECT_EQ(std::vector<std::uint8_t>(rx.begin() + 2, rx.end()),
            (std::vector<std::uint8_t>{0x00, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x85}));
  const auto regs = read_all(e);
  EXPECT_EQ(regs[reg::id], 0x3E);
  EXPECT_EQ(regs[reg::gpio], 0xA0);
  EXPECT_EQ(regs[reg::misc1], 0x20);
}

TEST(Emulator, RegisterAccessIsIgnoredInRdatacAndResetRestoresDefaults) {
  emulator e({});
  xfer(e, {cmd::wreg | reg::config1, 0, 0x90});  // still in RDATAC after power-up: ignored
  xfer(e, {cmd::sdatac});
  EXPECT_EQ(read_all(e)[reg::config1], 0x96);
  xfer(e, {cmd::wreg | reg::config1, 0, 0x90});
  EXPECT_EQ(read_all(e)[reg::config1], 0x90);
  xfer(e, {cmd::reset});
  EXPECT_TRUE(e.continuous());
  xfer(e, {cmd::sdatac});
  EXPECT_EQ(read_all(e)[reg::config1], 0x96);
}

TEST(Emulator, StartStopStandbyWakeupControlConversions) {
  emulator e({});
  drdy_event ev;
  EXPECT_EQ(e.wait_drdy(10'000'000, ev), wait_status::timeout);
  xfer(e, {cmd::start});
  ASSERT_EQ(e.wait_drdy(10'000'000, ev), wait_status::ready);
  xfer(e, {cmd::standby});
  EXPECT_EQ(e.wait_drdy(10'000'000, ev), wait_status::timeout);
  xfer(e, {cmd::wakeup});
  EXPECT_EQ(e.wait_drdy(10'000'000, ev), wait_status::ready);
  xfer(e, {cmd::stop});
  EXPECT_EQ(e.wait_drdy(10'000'000, ev), wait_status::timeout);
}

// Runs the driver against an emulator and collects `frames` frames.
struct acquisition {
  acquisition(settings s, emulator_options o = {}) : emu((o.chips = s.chips, o)), drv(emu, s) {
    const auto st = drv.power_up();
    EXPECT_TRUE(st) << st.err().message;
    EXPECT_TRUE(drv.start());
  }
  std::vector<std::int32_t> read(std::size_t frames, std::vector<chip_status>* statuses = nullptr) {
    std::vector<std::int32_t> out(frames * drv.channels());
    std::vector<chip_status> st(static_cast<std::size_t>(drv.config().chips));
    for (std::size_t f = 0; f < frames; ++f) {
      drdy_event ev;
      EXPECT_EQ(drv.wait(1'000'000'000, ev), wait_status::ready);
      EXPECT_EQ(drv.read_frame(out.data() + f * drv.channels(), st.data()), frame_result::ok);
      if (statuses) statuses->insert(statuses->end(), st.begin(), st.end());
    }
    return out;
  }
  emulator emu;
  driver drv;
};

TEST(Emulator, TestSignalIsASquareWaveOfVrefOver2400AtFclkOver2To21) {
  settings s;
  s.rate = 250;
  s.gain.fill(1);
  s.input = input_mode::test_signal;
  acquisition a(s);
  const auto x = a.read(1024);  // 4 periods of 1.024 s
  const std::int32_t amp = 3495;  // 4.5 V / 2400 at gain 1 = 2^23 / 2400 counts
  std::size_t edges = 0;
  std::size_t run = 0;
  for (std::size_t f = 0; f < 1024; ++f) {
    for (std::size_t c = 0; c < 8; ++c) ASSERT_EQ(std::abs(x[f * 8 + c]), amp) << f;
    if (f > 0 && x[f * 8] != x[(f - 1) * 8]) {
      if (edges > 0) {
        EXPECT_EQ(run, 128u) << "half period of 0.512 s at 250 S/s";
      }
      ++edges, run = 0;
    }
    ++run;
  }
  EXPECT_EQ(edges, 7u);
  EXPECT_EQ(x[0], amp);
}

TEST(Emulator, FastTestSignalDoublesTheFrequencyAnd2xTheAmplitude) {
  settings s;
  s.rate = 1000;
  s.gain.fill(2);
  s.input = input_mode::test_signal;
  s.test_signal_fast = true;
  s.test_signal_2x = true;
  acquisition a(s);
  const auto x = a.read(600);
  EXPECT_EQ(x[0], 2 * 2 * 3495 + 1);  // 2 x 4.5/2400 V x gain 2 = 2^23 / 600 = 13981.0 counts
  // fCLK / 2^20 = 1.953 Hz: the sign flips after 256 frames at 1000 S/s.
  EXPECT_GT(x[255 * 8], 0);
  EXPECT_LT(x[256 * 8], 0);
}

TEST(Emulator, EveryRateAndGainGivesTheTestSignalIn_uV) {
  for (int rate : rates)
    for (int gain : gains) {
      settings s;
      s.rate = rate;
      s.gain.fill(gain);
      s.input = input_mode::test_signal;
      acquisition a(s);
      const auto x = a.read(4);
      const double uv = x[0] * 4.5 / (gain * full_scale_counts) * 1e6;
      EXPECT_NEAR(uv, 1875.0, 4.5 / (gain * full_scale_counts) * 1e6) << rate << " S/s, gain " << gain;
      EXPECT_EQ(a.emu.registers()[reg::config1] & config1::dr_mask, *dr_code(rate));
    }
}

TEST(Emulator, TemperatureAndSupplyChannels) {
  settings s;
  s.gain.fill(1);
  s.input = input_mode::temperature;
  acquisition t(s);
  EXPECT_EQ(t.read(1)[0], std::lround(0.1453 / 4.5 * full_scale_counts));
  s.input = input_mode::supply;
  acquisition v(s);
  const auto x = v.read(1);
  EXPECT_EQ(x[0], std::lround(2.5 / 4.5 * full_scale_counts));    // (AVDD - AVSS) / 2
  EXPECT_EQ(x[2], std::lround(0.825 / 4.5 * full_scale_counts));  // DVDD / 4
}

TEST(Emulator, DaisyChainOfTwoGivesSixteenChannelsInOrder) {
  settings s;
  s.chips = 2;
  s.rate = 1000;
  s.gain.fill(1);
  emulator_options o;
  o.sine_hz = {250};  // a quarter of the rate: frame 1 sits on the crest
  for (int i = 0; i < 16; ++i) o.sine_uv.push_back(1000.0 * (i + 1));
  acquisition a(s, o);
  ASSERT_EQ(a.drv.channels(), 16u);
  const auto x = a.read(2);
  for (int i = 0; i < 16; ++i)
    EXPECT_EQ(x[16 + static_cast<std::size_t>(i)], std::lround(1000e-6 * (i + 1) / 4.5 * full_scale_counts)) << i;
}

TEST(Emulator, LeadOffBitsSurfaceInTheStatusWordOfTheRightChip) {
  settings s;
  s.chips = 2;
  s.lead_off = true;
  emulator_options o;
  o.leads_off = {3, 12};
  acquisition a(s, o);
  std::vector<chip_status> st;
  a.read(1, &st);
  ASSERT_EQ(st.size(), 2u);
  EXPECT_EQ(st[0].loff_p, 0x04);
  EXPECT_EQ(st[0].loff_n, 0x04);
  EXPECT_EQ(st[1].loff_p, 0x08);
  EXPECT_EQ(st[0].gpio, 0x00);
  EXPECT_EQ(st[0].word, 0xC04040u);
}

TEST(Emulator, NoLeadOffBitsWithoutTheComparators) {
  settings s;
  emulator_options o;
  o.leads_off = {1};
  acquisition a(s, o);
  std::vector<chip_status> st;
  a.read(1, &st);
  EXPECT_EQ(st[0].loff_p, 0);
}

TEST(Emulator, SpiErrorInjectionCorruptsOneReadInN) {
  settings s;
  emulator_options o;
  o.spi_error_every = 3;
  acquisition a(s, o);
  std::vector<std::int32_t> x(8);
  chip_status st[1];
  std::vector<frame_result> got;
  for (int i = 0; i < 6; ++i) {
    drdy_event ev;
    ASSERT_EQ(a.drv.wait(1'000'000'000, ev), wait_status::ready);
    got.push_back(a.drv.read_frame(x.data(), st));
  }
  EXPECT_EQ(got, (std::vector<frame_result>{frame_result::ok, frame_result::ok, frame_result::bad_status,
                                            frame_result::ok, frame_result::ok, frame_result::bad_status}));
}

TEST(Emulator, MissedDrdySkipsAnEdgeButConversionsGoOn) {
  emulator_options o;
  o.missed_drdy_every = 4;
  o.start_ns = 0;
  emulator e(o);
  xfer(e, {cmd::start});
  std::vector<std::int64_t> t;
  for (int i = 0; i < 4; ++i) {
    drdy_event ev;
    ASSERT_EQ(e.wait_drdy(1'000'000'000, ev), wait_status::ready);
    t.push_back(ev.t_ns);
  }
  EXPECT_EQ(t, (std::vector<std::int64_t>{4'000'000, 8'000'000, 12'000'000, 20'000'000}));
}

TEST(Emulator, DriftScalesTheConversionPeriod) {
  emulator_options o;
  o.drift_ppm = 200;
  emulator e(o);
  EXPECT_NEAR(e.period_ns(), 4e6 / 1.0002, 1e-6);
}

}  // namespace
}  // namespace eegd::ads1299
