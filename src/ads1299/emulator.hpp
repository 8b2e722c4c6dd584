#pragma once

// An ADS1299 (or a daisy chain of them) at the level of its SPI protocol, so
// the real driver can run against it in tests, demos and `eegd probe
// --emulator`: a register file with the datasheet's reset values, the command
// set (WAKEUP, STANDBY, RESET, START, STOP, RDATAC, SDATAC, RDATA, RREG, WREG),
// DRDY pacing from a crystal that may run fast or slow, the internal test
// signal, the temperature and supply channels, injected sines, lead-off, and
// missed-DRDY and SPI-error injection.
//
// Daisy-chained chips share DIN and chip select, so every command and register
// write reaches all of them: one register file stands for all chips.
//
// Time is virtual by default (waiting advances it instantly and exactly, so
// tests are deterministic and fast); `realtime` paces DRDY on CLOCK_MONOTONIC
// and offers a timerfd as the DRDY descriptor.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "ads1299/io.hpp"
#include "ads1299/registers.hpp"

namespace eegd::ads1299 {

struct emulator_options {
  int chips = 1;
  double drift_ppm = 0.0;              // crystal error: + runs fast, - slow
  std::int64_t missed_drdy_every = 0;  // swallow the DRDY edge of one conversion in every N (0: never)
  std::int64_t spi_error_every = 0;    // fail one data read in every N (0: never)
  std::vector<double> sine_hz;         // injected at the electrode inputs, repeated over channels
  std::vector<double> sine_uv;         // amplitudes at the input (before the PGA)
  std::vector<int> leads_off;          // 1-based channels whose electrodes are detached
  double vref = 4.5;                   // the reference the board is built with
  double temperature_c = 25.0;
  bool realtime = false;               // pace DRDY on CLOCK_MONOTONIC instead of virtual time
  std::int64_t jitter_ns = 0;          // random delay (0..jitter_ns) before the host sees an edge
  std::uint64_t seed = 1;
  std::int64_t start_ns = -1;          // virtual clock origin (-1: CLOCK_MONOTONIC at construction)
  bool record = false;                 // keep a readable trace of SPI traffic and line changes
};

class emulator final : public io {
 public:
  explicit emulator(emulator_options options);
  ~emulator() override;
  emulator(const emulator&) = delete;
  emulator& operator=(const emulator&) = delete;

  status transfer(std::span<const std::uint8_t> tx, std::span<std::uint8_t> rx, std::int64_t byte_gap_ns) override;
  wait_status wait_drdy(std::int64_t timeout_ns, drdy_event& event) override;
  int drdy_fd() const noexcept override { return timer_fd_; }
  bool has_pin(pin) const noexcept override { return true; }
  status set_pin(pin p, bool high) override;
  void delay(std::int64_t ns) override;
  std::int64_t now_ns() const noexcept override;
  std::string describe() const override { return "emulator"; }

  // Inspection for tests.
  const std::array<std::uint8_t, reg::count>& registers() const noexcept { return regs_; }
  const std::vector<std::string>& trace() const noexcept { return trace_; }
  void clear_trace() { trace_.clear(); }
  bool converting() const noexcept { return converting_; }
  bool continuous() const noexcept { return rdatac_; }
  std::uint64_t conversions() const noexcept { return next_conv_; }
  // The true (drifted) conversion period in ns.
  double period_ns() const noexcept;

 private:
  void power_on_reset();
  void execute(std::uint8_t opcode);
  void start_conversions();
  std::int64_t edge_time(std::uint64_t conv) const noexcept;
  bool edge_swallowed(std::uint64_t conv) const noexcept;
  std::uint64_t completed_by(std::int64_t t) const noexcept;
  void load_frame(std::uint64_t conv);
  double channel_volts(int chip, int ch, std::uint64_t conv) const;
  void arm_timer();
  void log(std::string entry);

  emulator_options o_;
  std::array<std::uint8_t, reg::count> regs_{};
  bool powered_ = true, start_pin_ = false, reset_pin_ = true;
  bool rdatac_ = true, converting_ = false, standby_ = false;
  std::int64_t now_ = 0;             // virtual clock
  std::int64_t conv_start_ = 0;      // when the current run of conversions began
  std::uint64_t next_conv_ = 0;      // first conversion not yet signalled to the host
  std::int64_t latest_conv_ = -1;    // last completed conversion the host was told of
  std::int64_t loaded_conv_ = -1;    // conversion held in the output shift register
  std::vector<std::uint8_t> frame_;  // chips x 27 bytes
  std::size_t frame_pos_ = 0;
  std::uint64_t data_reads_ = 0;
  std::uint64_t rng_ = 0;
  int timer_fd_ = -1;
  std::vector<std::string> trace_;
};

}  // namespace eegd::ads1299
