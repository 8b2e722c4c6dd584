// The driver: the exact power-up traffic, rate and gain mapping, 24-bit
// decoding, and the errors a person sees when the chip does not answer.
#include "ads1299/driver.hpp"

#include <gtest/gtest.h>

#include "ads1299/emulator.hpp"
#include "ads1299/frame.hpp"

namespace eegd::ads1299 {
namespace {

TEST(Frame, SignExtends24BitTwosComplement) {
  EXPECT_EQ(sign_extend24(0x000000), 0);
  EXPECT_EQ(sign_extend24(0x000001), 1);
  EXPECT_EQ(sign_extend24(0x7FFFFF), 8388607);
  EXPECT_EQ(sign_extend24(0x800000), -8388608);
  EXPECT_EQ(sign_extend24(0xFFFFFF), -1);
  EXPECT_EQ(sign_extend24(0xFFFFFE), -2);
  EXPECT_EQ(sign_extend24(0x123456), 0x123456);
  EXPECT_EQ(sign_extend24(0xABCDEF), 0xABCDEF - 0x1000000);
}

TEST(Frame, DecodesStatusAndEightChannelsPerChip) {
  std::vector<std::uint8_t> bytes(54, 0);
  const std::uint8_t chip0[] = {0xC0, 0x10, 0x2A, 0x7F, 0xFF, 0xFF, 0x80, 0x00, 0x00, 0xFF, 0xFF, 0xFF};
  std::copy(std::begin(chip0), std::end(chip0), bytes.begin());
  bytes[27] = 0xC0;
  bytes[27 + 3 + 21] = 0x00, bytes[27 + 3 + 22] = 0x00, bytes[27 + 3 + 23] = 0x05;
  std::int32_t counts[16];
  chip_status st[2];
  ASSERT_TRUE(decode_frame(bytes, 2, counts, st));
  EXPECT_EQ(counts[0], 8388607);
  EXPECT_EQ(counts[1], -8388608);
  EXPECT_EQ(counts[2], -1);
  EXPECT_EQ(counts[15], 5);
  EXPECT_EQ(st[0].loff_p, 0x01);  // status 0xC0102A: LOFF_STATP 0x01, LOFF_STATN 0x02, GPIO 0xA
  EXPECT_EQ(st[0].loff_n, 0x02);
  EXPECT_EQ(st[0].gpio, 0x0A);
  bytes[27] = 0xFF;
  EXPECT_FALSE(decode_frame(bytes, 2, counts, st));
}

TEST(Rates, EveryChipRateMapsToItsDrCode) {
  const std::pair<int, std::uint8_t> expect[] = {{16000, 0}, {8000, 1}, {4000, 2}, {2000, 3},
                                                 {1000, 4},  {500, 5},  {250, 6}};
  for (auto [rate, code] : expect) {
    EXPECT_EQ(dr_code(rate), code);
    EXPECT_EQ(rate_of(static_cast<std::uint8_t>(config1::fixed | code)), rate);
  }
}

TEST(Rates, ImpossibleRatesAreRefusedWithTheAllowedList) {
  for (double rate : {300.0, 0.0, 32000.0, 250.5}) {
    settings s;
    s.rate = rate;
    const auto plan = plan_registers(s);
    ASSERT_FALSE(plan);
    EXPECT_EQ(plan.err().param, "rate");
    EXPECT_NE(plan.err().message.find("allowed: 250, 500, 1000, 2000, 4000, 8000, 16000"), std::string::npos)
        << plan.err().message;
  }
  settings s;
  s.gain[3] = 3;
  const auto plan = plan_registers(s);
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.err().param, "gain");
}

TEST(Driver, PowerUpIssuesTheDatasheetSequence) {
  emulator_options o;
  o.record = true;
  o.chips = 2;
  emulator emu(o);
  settings s;
  s.chips = 2;
  s.rate = 4000;
  s.gain = {24, 24, 12, 12, 8, 6, 4, 1};
  s.bias = true;
  s.lead_off = true;
  s.srb1 = true;
  driver drv(emu, s);
  const auto st = drv.power_up();
  ASSERT_TRUE(st) << st.err().message;
  ASSERT_TRUE(drv.start());
  const std::vector<std::string> expect = {
      "pwdn=1", "reset=1", "start=0",      // lines to their idle levels, 2^18 tCLK
      "reset=0", "reset=1",               // reset pulse
      "spi 11",                           // SDATAC
      "spi 20 00 00",                     // RREG ID
      "spi 43 00 ec",                     // CONFIG3: PD_REFBUF, BIASREF_INT, PD_BIAS
      "spi 41 01 b2 c0",                  // CONFIG1: CLK_EN (daisy), DR 4 kS/s; CONFIG2 default
      "spi 44 00 00",                     // LOFF: DC, 6 nA, 95 %
      "spi 45 07 60 60 50 50 40 30 20 00",  // CH1SET..CH8SET gains, normal input
      "spi 4d 03 ff 00 ff 00",            // BIAS_SENSP/N, LOFF_SENSP/N (SRB1: no N inputs)
      "spi 55 00 20",                     // MISC1: SRB1
      "spi 57 00 02",                     // CONFIG4: lead-off comparators on
      "spi 20 17 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00",  // read back all
      "spi 10",                           // RDATAC
      "start=1"};
  EXPECT_EQ(emu.trace(), expect);
  EXPECT_EQ(drv.id(), 0x3E);
  EXPECT_EQ(drv.registers()[reg::config1], 0xB2);
  EXPECT_TRUE(emu.continuous());
  EXPECT_TRUE(emu.converting());
}

// An io whose chip never answers (MISO reads a constant) or garbles writes.
class dead_bus final : public io {
 public:
  explicit dead_bus(std::uint8_t level, bool drop_writes = false) : level_(level), drop_writes_(drop_writes) {}
  status transfer(std::span<const std::uint8_t> tx, std::span<std::uint8_t> rx, std::int64_t) override {
    std::fill(rx.begin(), rx.end(), level_);
    if (!drop_writes_ && tx.size() > 1) rx[2] = 0x3E;
    return ok();
  }
  wait_status wait_drdy(std::int64_t, drdy_event&) override { return wait_status::timeout; }
  int drdy_fd() const noexcept override { return -1; }
  bool has_pin(pin) const noexcept override { return false; }
  status set_pin(pin, bool) override { return ok(); }
  void delay(std::int64_t) override {}
  std::int64_t now_ns() const noexcept override { return 0; }
  std::string describe() const override { return "/dev/spidev9.9"; }

 private:
  std::uint8_t level_;
  bool drop_writes_;
};

TEST(Driver, WrongIdNamesWhatWasRead) {
  dead_bus bus(0xFF, true);
  driver drv(bus, {});
  const auto st = drv.power_up();
  ASSERT_FALSE(st);
  EXPECT_NE(st.err().message.find("ID register reads 0xFF (expected 0x3E)"), std::string::npos) << st.err().message;
  EXPECT_NE(st.err().message.find("/dev/spidev9.9"), std::string::npos);
  EXPECT_NE(st.err().message.find("nothing answers"), std::string::npos);
}

TEST(Driver, RegistersThatDoNotReadBackAreReported) {
  dead_bus bus(0x00);
  driver drv(bus, {});
  const auto st = drv.power_up();
  ASSERT_FALSE(st);
  EXPECT_NE(st.err().message.find("register CONFIG3"), std::string::npos) << st.err().message;
}

}  // namespace
}  // namespace eegd::ads1299
