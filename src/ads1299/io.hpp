#pragma once

// What the driver needs from the hardware, and nothing more: an SPI transfer,
// a DRDY edge to wait for, three control lines and a clock to wait on. The
// Linux implementation (linux_io) and the emulator both provide it, so the
// same driver code runs against either.

#include <cstdint>
#include <span>
#include <string>

#include "eegd/result.hpp"

namespace eegd::ads1299 {

enum class pin : std::uint8_t { start, reset, pwdn };

struct drdy_event {
  std::int64_t t_ns = 0;    // when the edge happened (the io's monotonic clock)
  std::uint32_t edges = 1;  // falling edges consumed (more than one: the host fell behind)
};

enum class wait_status : std::uint8_t { ready, timeout, failed };

class io {
 public:
  virtual ~io() = default;

  // Full-duplex transfer with chip select held low throughout. `byte_gap_ns`
  // spaces the bytes of a command so the chip can decode each (tSDECODE).
  virtual status transfer(std::span<const std::uint8_t> tx, std::span<std::uint8_t> rx,
                          std::int64_t byte_gap_ns) = 0;
  // Waits up to `timeout_ns` for DRDY to fall and consumes the pending edges.
  virtual wait_status wait_drdy(std::int64_t timeout_ns, drdy_event& event) = 0;
  // A descriptor that is readable while a DRDY edge is pending (so a caller can
  // block on it together with other things), or -1.
  virtual int drdy_fd() const noexcept = 0;
  // Whether a control line is wired; the driver falls back to commands if not.
  virtual bool has_pin(pin p) const noexcept = 0;
  virtual status set_pin(pin p, bool high) = 0;
  // Waits `ns` on this io's clock (virtual time for the emulator).
  virtual void delay(std::int64_t ns) = 0;
  // Now on this io's monotonic clock.
  virtual std::int64_t now_ns() const noexcept = 0;
  // What this io talks to, for messages: "/dev/spidev0.0" or "emulator".
  virtual std::string describe() const = 0;
};

}  // namespace eegd::ads1299
