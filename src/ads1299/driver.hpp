#pragma once

// Drives one ADS1299 or a daisy chain of up to four through an `io`: the
// datasheet's power-up sequence, configuration, and frame reads after DRDY.

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "ads1299/frame.hpp"
#include "ads1299/io.hpp"
#include "ads1299/registers.hpp"
#include "eegd/result.hpp"

namespace eegd::ads1299 {

// What every channel measures (CHnSET MUX for all eight channels).
enum class input_mode : std::uint8_t { normal, shorted, test_signal, temperature, supply };

struct settings {
  int chips = 1;                                 // daisy-chained chips, 1..4
  double rate = 250;                             // samples per second, one of `rates`
  std::array<int, channels_per_chip> gain = {24, 24, 24, 24, 24, 24, 24, 24};  // per channel position
  input_mode input = input_mode::normal;
  bool bias = false;      // derive the bias drive from every channel (BIAS_SENSP/N, PD_BIAS, BIASREF_INT)
  bool lead_off = false;  // DC lead-off detection, 6 nA, 95 % threshold, on every input
  bool srb1 = false;      // SRB1 as the common reference on every negative input (MISC1)
  bool test_signal_2x = false;    // test signal amplitude 2 x VREF / 2400 instead of 1 x
  bool test_signal_fast = false;  // test signal at fCLK / 2^20 instead of fCLK / 2^21
};

// One register write of the configuration: WREG `address` with `values`.
struct register_write {
  std::uint8_t address;
  std::vector<std::uint8_t> values;
};

// The register contents `s` needs, in the order the driver writes them.
// Fails when a rate or gain is not one the chip has.
result<std::vector<register_write>> plan_registers(const settings& s);

enum class frame_result : std::uint8_t { ok, spi_failed, bad_status };

class driver {
 public:
  driver(io& io, settings s);

  // Power-up per datasheet figure 9-32: power and reset lines, 2^18 tCLK, a
  // reset pulse, SDATAC, ID check, register writes with read-back, RDATAC.
  // Conversions are not started.
  status power_up();
  // START high (or the START command where the line is not wired).
  status start();
  status stop();
  // STANDBY / WAKEUP commands: the low-power idle when nobody needs data.
  status standby();
  status wakeup();

  // Next DRDY, consuming its edge(s).
  wait_status wait(std::int64_t timeout_ns, drdy_event& event) { return io_.wait_drdy(timeout_ns, event); }
  // Reads the frame after a DRDY into `counts` (channels() values) and
  // `status` (chips values). Allocates nothing.
  frame_result read_frame(std::int32_t* counts, chip_status* status);
  // Reads all registers of the first chip (leaves RDATAC mode and re-enters it).
  result<std::array<std::uint8_t, reg::count>> read_registers();

  std::uint8_t id() const noexcept { return id_; }
  const std::array<std::uint8_t, reg::count>& registers() const noexcept { return regs_; }
  std::size_t channels() const noexcept { return static_cast<std::size_t>(s_.chips) * channels_per_chip; }
  const settings& config() const noexcept { return s_; }
  const std::string& last_error() const noexcept { return last_error_; }
  io& device() noexcept { return io_; }

 private:
  status command(std::uint8_t opcode);
  status write_registers(std::uint8_t address, std::span<const std::uint8_t> values);
  result<std::vector<std::uint8_t>> read_register_block(std::uint8_t address, std::size_t count);

  io& io_;
  settings s_;
  std::uint8_t id_ = 0;
  std::array<std::uint8_t, reg::count> regs_{};
  std::vector<std::uint8_t> tx_, rx_;  // one frame, allocated once
  std::string last_error_;
};

// Human-readable list of the rates the chip runs at: "250, 500, 1000, ...".
std::string allowed_rates();

}  // namespace eegd::ads1299
