#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ads1299/clock_fit.hpp"
#include "ads1299/driver.hpp"
#include "ads1299/io.hpp"
#include "eegd/stage.hpp"

namespace eegd::stages {

namespace adc = eegd::ads1299;

// The ADS1299 source: one chip or a daisy chain of up to four on a Raspberry
// Pi 5 (spidev + libgpiod), or the register-level emulator. Paced by DRDY,
// emits raw 24-bit counts with the gain and reference in the sensor meta.
//
// Timing: t0 is the first DRDY of a run, then first_frame / rate. Frame
// indices follow the ADC clock: a DRDY that comes a period or more late (by
// its kernel timestamp) means conversions were missed; the index skips them
// and the packet carries the gap flag. The true rate and the drift against
// CLOCK_MONOTONIC and CLOCK_REALTIME are estimated (lower-envelope fit) and
// reported; timestamps only follow them when `clock_slew_ppm` > 0, and then
// by a bounded slew, never a jump.
struct ads1299 final : eegd::source<ads1299> {
  static constexpr std::array<std::string_view, 5> inputs_allowed = {"normal", "shorted", "test_signal",
                                                                     "temperature", "supply"};

  std::string spi_device_ = "/dev/spidev0.0";
  std::int64_t spi_hz_ = 4'000'000;
  std::string gpio_chip_ = "pinctrl-rp1";
  std::int64_t drdy_gpio_ = 25;
  std::int64_t start_gpio_ = 23;
  std::int64_t reset_gpio_ = 24;
  std::int64_t pwdn_gpio_ = -1;
  double rate_ = 250;
  std::int64_t daisy_ = 1;
  std::int64_t batch_ = 0;
  std::string input_ = "normal";
  std::vector<double> gain_ = {24};
  bool bias_ = true;
  bool lead_off_ = false;
  bool srb1_ = false;
  double vref_ = 4.5;
  bool status_channels_ = false;
  std::vector<std::string> channel_names_;
  double clock_slew_ppm_ = 0;
  bool emulator_ = false;
  bool realtime_ = true;
  double emu_drift_ppm_ = 0;
  std::int64_t emu_missed_drdy_every_ = 0;
  std::int64_t emu_spi_error_every_ = 0;
  std::vector<double> emu_sine_hz_ = {10};
  std::vector<double> emu_sine_uv_ = {50};
  std::vector<double> emu_leads_off_;

  static constexpr auto params = eegd::param_list(
      eegd::param<&ads1299::spi_device_>("spi_device").doc("spidev device of the chip (SPI0 CE0 on a Pi: /dev/spidev0.0)"),
      eegd::param<&ads1299::spi_hz_>("spi_hz").unit("Hz").range(100'000, 20'000'000)
          .doc("SPI clock (the ADS1299 takes up to 20 MHz; 4 MHz is safe on jumper wires)"),
      eegd::param<&ads1299::gpio_chip_>("gpio_chip")
          .doc("GPIO chip by name, path, label or number (Pi 5: label pinctrl-rp1)"),
      eegd::param<&ads1299::drdy_gpio_>("drdy_gpio").range(0, 511).doc("GPIO line of DRDY (falling edge: data ready)"),
      eegd::param<&ads1299::start_gpio_>("start_gpio").range(-1, 511)
          .doc("GPIO line of START (-1: tied low, the START command is used)"),
      eegd::param<&ads1299::reset_gpio_>("reset_gpio").range(-1, 511)
          .doc("GPIO line of RESET (-1: tied high, the RESET command is used)"),
      eegd::param<&ads1299::pwdn_gpio_>("pwdn_gpio").range(-1, 511).doc("GPIO line of PWDN (-1: tied high)"),
      eegd::param<&ads1299::rate_>("rate").unit("Hz").range(250, 16000)
          .doc("samples per second: 250, 500, 1000, 2000, 4000, 8000 or 16000"),
      eegd::param<&ads1299::daisy_>("daisy").range(1, 4).doc("daisy-chained chips (8 channels each)"),
      eegd::param<&ads1299::batch_>("batch").unit("frames").range(0, 4096)
          .doc("frames per packet (0: about 4 ms worth, at least 1)"),
      eegd::param<&ads1299::input_>("input").one_of(inputs_allowed)
          .doc("what the channels measure: electrodes, shorted inputs, the internal test signal, temperature, supply"),
      eegd::param<&ads1299::gain_>("gain").range(1, 24).max_items(32)
          .doc("PGA gain (1, 2, 4, 6, 8, 12, 24): one for all channels or one per channel"),
      eegd::param<&ads1299::bias_>("bias").doc("drive the bias electrode from all channels"),
      eegd::param<&ads1299::lead_off_>("lead_off").doc("DC lead-off detection (6 nA) on every electrode"),
      eegd::param<&ads1299::srb1_>("srb1").doc("SRB1 as the common reference of every channel"),
      eegd::param<&ads1299::vref_>("vref").unit("V").range(1, 5).doc("reference voltage (4.5 V internal)"),
      eegd::param<&ads1299::status_channels_>("status_channels")
          .doc("append one channel per chip with its status word: LOFF_STATP x 4096 + LOFF_STATN x 16 + GPIO"),
      eegd::param<&ads1299::channel_names_>("channel_names").max_items(36).doc("channel labels (default: ch1..chN)"),
      eegd::param<&ads1299::clock_slew_ppm_>("clock_slew_ppm").unit("ppm").range(0, 1000)
          .doc("let timestamps follow the measured clock at most this fast (0: first_frame / rate exactly)"),
      eegd::param<&ads1299::emulator_>("emulator").doc("use the built-in emulator instead of hardware"),
      eegd::param<&ads1299::realtime_>("realtime").doc("emulator: pace DRDY in real time (false: as fast as possible)"),
      eegd::param<&ads1299::emu_drift_ppm_>("emu_drift_ppm").unit("ppm").range(-10000, 10000)
          .doc("emulator: crystal error (+: fast)"),
      eegd::param<&ads1299::emu_missed_drdy_every_>("emu_missed_drdy_every").unit("frames").range(0, 1e9)
          .doc("emulator: swallow one DRDY in every N conversions (0: never)"),
      eegd::param<&ads1299::emu_spi_error_every_>("emu_spi_error_every").unit("frames").range(0, 1e9)
          .doc("emulator: corrupt one frame read in every N (0: never)"),
      eegd::param<&ads1299::emu_sine_hz_>("emu_sine_hz").unit("Hz").range(0, 8000)
          .doc("emulator: sine at the electrodes per channel, repeated over the channels"),
      eegd::param<&ads1299::emu_sine_uv_>("emu_sine_uv").unit("uV").range(0, 1e6)
          .doc("emulator: sine amplitude at the electrodes per channel"),
      eegd::param<&ads1299::emu_leads_off_>("emu_leads_off").range(1, 32)
          .doc("emulator: channels (1-based) whose electrodes are detached"));


  eegd::status build(eegd::build_context& ctx);
  eegd::flow produce(eegd::emitter& out, eegd::source_context& ctx);
  void on_pause();
  void on_resume();
  void finish();
  std::string_view last_error() const { return last_error_; }
  void report_status(eegd::status_writer& out) const;

 private:
  enum class wait_outcome : std::uint8_t { ready, interrupted, failed };
  wait_outcome next_drdy(eegd::source_context& ctx, adc::drdy_event& event);
  std::uint64_t frame_index(const adc::drdy_event& event);
  std::int64_t timestamp(std::uint64_t frame, std::uint32_t frames);
  double clock_offset_ns(std::uint64_t frame) const;
  void note_status(const adc::chip_status* status);
  void update_figures();
  void keep_error(const eegd::status& st);

  std::unique_ptr<adc::io> io_;
  std::unique_ptr<adc::driver> driver_;
  std::unique_ptr<adc::clock_fit> fit_mono_, fit_real_;
  std::size_t adc_channels_ = 0, out_channels_ = 0;
  std::uint32_t batch_frames_ = 1;
  double period_ns_ = 0;
  std::int64_t drdy_timeout_ns_ = 0;
  std::vector<std::int32_t> frame_;
  std::vector<adc::chip_status> status_;

  bool converting_ = false;
  bool have_first_ = false;
  bool pending_gap_ = false;
  bool resuming_ = false;
  std::uint64_t next_expected_ = 0;
  std::int64_t t0_real_ns_ = 0;     // CLOCK_REALTIME of frame 0
  std::int64_t real_minus_io_ns_ = 0;  // CLOCK_REALTIME - the io's monotonic clock
  std::int64_t last_t_ns_ = 0;
  std::uint64_t last_frame_ = 0;
  double correction_ns_ = 0;
  std::string last_error_;

  // Figures for the control thread.
  std::atomic<std::uint64_t> frames_{0}, gaps_{0}, missed_frames_{0}, spi_errors_{0}, resumes_{0};
  std::atomic<std::uint64_t> leads_off_{0};  // chip c: bits 16c..16c+7 positive, 16c+8..16c+15 negative
  std::atomic<double> rate_est_{0}, drift_mono_ppm_{0}, drift_real_ppm_{0}, offset_real_ms_{0}, correction_ms_{0};
  std::atomic<bool> clock_ready_{false};
};

}  // namespace eegd::stages
