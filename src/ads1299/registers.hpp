#pragma once

// The ADS1299 register map, opcodes and bit fields, from TI's datasheet
// (SBAS499C, sections 9.5 "Programming" and 9.6 "Register Map").

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace eegd::ads1299 {

inline constexpr int channels_per_chip = 8;
inline constexpr int max_chips = 4;
inline constexpr double clock_hz = 2.048e6;  // fCLK, internal oscillator
inline constexpr double full_scale_counts = 8388608.0;  // 2^23: 1 LSB = VREF / (gain * 2^23)

// Register addresses.
namespace reg {
inline constexpr std::uint8_t id = 0x00;
inline constexpr std::uint8_t config1 = 0x01;
inline constexpr std::uint8_t config2 = 0x02;
inline constexpr std::uint8_t config3 = 0x03;
inline constexpr std::uint8_t loff = 0x04;
inline constexpr std::uint8_t ch1set = 0x05;  // CH1SET..CH8SET are 0x05..0x0C
inline constexpr std::uint8_t bias_sensp = 0x0D;
inline constexpr std::uint8_t bias_sensn = 0x0E;
inline constexpr std::uint8_t loff_sensp = 0x0F;
inline constexpr std::uint8_t loff_sensn = 0x10;
inline constexpr std::uint8_t loff_flip = 0x11;
inline constexpr std::uint8_t loff_statp = 0x12;  // read-only
inline constexpr std::uint8_t loff_statn = 0x13;  // read-only
inline constexpr std::uint8_t gpio = 0x14;
inline constexpr std::uint8_t misc1 = 0x15;
inline constexpr std::uint8_t misc2 = 0x16;
inline constexpr std::uint8_t config4 = 0x17;
inline constexpr std::uint8_t count = 0x18;
}  // namespace reg

inline constexpr std::array<std::string_view, reg::count> register_names = {
    "ID",         "CONFIG1",    "CONFIG2",    "CONFIG3",    "LOFF",       "CH1SET",     "CH2SET",  "CH3SET",
    "CH4SET",     "CH5SET",     "CH6SET",     "CH7SET",     "CH8SET",     "BIAS_SENSP", "BIAS_SENSN", "LOFF_SENSP",
    "LOFF_SENSN", "LOFF_FLIP",  "LOFF_STATP", "LOFF_STATN", "GPIO",       "MISC1",      "MISC2",   "CONFIG4"};

// Values after power-up or RESET (datasheet table 9-11). ID is the ADS1299's.
inline constexpr std::array<std::uint8_t, reg::count> reset_values = {
    0x3E, 0x96, 0xC0, 0x60, 0x00, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61,
    0x61, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0F, 0x00, 0x00, 0x00};

// Registers whose content the chip sets itself: never compared after a write.
constexpr bool read_only(std::uint8_t address) {
  return address == reg::id || address == reg::loff_statp || address == reg::loff_statn;
}

// SPI opcodes (datasheet table 9-10).
namespace cmd {
inline constexpr std::uint8_t wakeup = 0x02;
inline constexpr std::uint8_t standby = 0x04;
inline constexpr std::uint8_t reset = 0x06;
inline constexpr std::uint8_t start = 0x08;
inline constexpr std::uint8_t stop = 0x0A;
inline constexpr std::uint8_t rdatac = 0x10;
inline constexpr std::uint8_t sdatac = 0x11;
inline constexpr std::uint8_t rdata = 0x12;
inline constexpr std::uint8_t rreg = 0x20;  // | address; second byte: count - 1
inline constexpr std::uint8_t wreg = 0x40;  // | address; second byte: count - 1
}  // namespace cmd

// ID register: REV_ID[7:5], 1, DEV_ID[3:2] = 11 (ADS1299 family), NU_CH[1:0].
inline constexpr std::uint8_t id_mask = 0x1F;
inline constexpr std::uint8_t id_ads1299_8ch = 0x1E;  // NU_CH = 10: 8 channels

// CONFIG1: 1, DAISY_EN (0: daisy-chain, 1: multiple readback), CLK_EN, 1, 0, DR[2:0].
namespace config1 {
inline constexpr std::uint8_t fixed = 0x90;
inline constexpr std::uint8_t multiple_readback = 0x40;
inline constexpr std::uint8_t clk_en = 0x20;
inline constexpr std::uint8_t dr_mask = 0x07;
}  // namespace config1

// CONFIG2: 110, INT_CAL, 0, CAL_AMP0, CAL_FREQ[1:0].
namespace config2 {
inline constexpr std::uint8_t fixed = 0xC0;
inline constexpr std::uint8_t int_cal = 0x10;   // test signal generated internally
inline constexpr std::uint8_t cal_amp_2x = 0x04;  // 2 x VREF / 2400 instead of 1 x
inline constexpr std::uint8_t cal_freq_mask = 0x03;
inline constexpr std::uint8_t cal_freq_21 = 0x00;  // square wave at fCLK / 2^21
inline constexpr std::uint8_t cal_freq_20 = 0x01;  // square wave at fCLK / 2^20
inline constexpr std::uint8_t cal_freq_dc = 0x03;
}  // namespace config2

// CONFIG3: PD_REFBUF, 1, 1, BIAS_MEAS, BIASREF_INT, PD_BIAS, BIAS_LOFF_SENS, BIAS_STAT.
namespace config3 {
inline constexpr std::uint8_t fixed = 0x60;
inline constexpr std::uint8_t pd_refbuf = 0x80;  // 1: internal reference buffer on
inline constexpr std::uint8_t bias_meas = 0x10;
inline constexpr std::uint8_t biasref_int = 0x08;  // bias reference (AVDD + AVSS) / 2 generated inside
inline constexpr std::uint8_t pd_bias = 0x04;      // 1: bias buffer on
inline constexpr std::uint8_t bias_loff_sens = 0x02;
}  // namespace config3

// LOFF: COMP_TH[7:5], 0, ILEAD_OFF[3:2], FLEAD_OFF[1:0].
namespace loff {
inline constexpr std::uint8_t comp_th_95 = 0x00;  // comparator at 95 % / 5 %
inline constexpr std::uint8_t ilead_6na = 0x00;
inline constexpr std::uint8_t ilead_24na = 0x08;
inline constexpr std::uint8_t flead_dc = 0x00;
}  // namespace loff

// CHnSET: PD, GAIN[6:4], SRB2, MUX[2:0].
namespace chset {
inline constexpr std::uint8_t power_down = 0x80;
inline constexpr std::uint8_t gain_shift = 4;
inline constexpr std::uint8_t gain_mask = 0x70;
inline constexpr std::uint8_t srb2 = 0x08;
inline constexpr std::uint8_t mux_mask = 0x07;
}  // namespace chset

// What a channel's PGA sees (CHnSET MUX[2:0]).
enum class mux : std::uint8_t {
  normal = 0,       // electrode input
  shorted = 1,      // inputs shorted together (offset / noise measurement)
  bias_meas = 2,    // BIAS_MEAS: the bias drive measured
  supply = 3,       // MVDD: supply measurement
  temperature = 4,  // temperature sensor
  test = 5,         // internal test signal
  bias_drp = 6,
  bias_drn = 7,
};

// MISC1: 0, 0, SRB1, 0, 0, 0, 0, 0.
inline constexpr std::uint8_t misc1_srb1 = 0x20;
// CONFIG4: 0, 0, 0, 0, SINGLE_SHOT, 0, PD_LOFF_COMP, 0.
inline constexpr std::uint8_t config4_pd_loff_comp = 0x02;
inline constexpr std::uint8_t config4_single_shot = 0x08;

// Output data rates by CONFIG1 DR code 0..6 (fMOD / 16 .. fMOD / 1024).
inline constexpr std::array<int, 7> rates = {16000, 8000, 4000, 2000, 1000, 500, 250};
inline constexpr std::array<int, 7> gains = {1, 2, 4, 6, 8, 12, 24};

// DR code for a rate in samples per second, if the chip can run at it.
constexpr std::optional<std::uint8_t> dr_code(double rate) {
  for (std::size_t i = 0; i < rates.size(); ++i)
    if (rate == rates[i]) return static_cast<std::uint8_t>(i);
  return std::nullopt;
}
constexpr double rate_of(std::uint8_t config1_value) {
  const std::uint8_t dr = config1_value & config1::dr_mask;
  return dr < rates.size() ? rates[dr] : 0.0;
}
// CHnSET GAIN code for a PGA gain, if the chip has it.
constexpr std::optional<std::uint8_t> gain_code(double gain) {
  for (std::size_t i = 0; i < gains.size(); ++i)
    if (gain == gains[i]) return static_cast<std::uint8_t>(i);
  return std::nullopt;
}
constexpr int gain_of(std::uint8_t chset_value) {
  const std::size_t g = (chset_value & chset::gain_mask) >> chset::gain_shift;
  return g < gains.size() ? gains[g] : 0;
}

// Frame layout in daisy-chain mode: per chip 3 status bytes then 8 x 24-bit samples.
inline constexpr std::size_t status_bytes = 3;
inline constexpr std::size_t bytes_per_chip = status_bytes + 3 * channels_per_chip;  // 27
inline constexpr std::uint32_t status_header = 0xC00000;  // the status word starts with 1100
inline constexpr std::uint32_t status_header_mask = 0xF00000;

// Timing the datasheet asks the host for, in fCLK periods.
inline constexpr double power_on_reset_clocks = 262144.0;  // 2^18 tCLK after power-up
inline constexpr double reset_pulse_clocks = 2.0;          // RESET low >= 2 tCLK
inline constexpr double after_reset_clocks = 18.0;         // 18 tCLK before the first command
inline constexpr double decode_clocks = 4.0;               // tSDECODE between bytes of a command

constexpr std::int64_t clocks_to_ns(double clocks) {
  return static_cast<std::int64_t>(clocks / clock_hz * 1e9 + 0.999);
}

}  // namespace eegd::ads1299
