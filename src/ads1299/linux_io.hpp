#pragma once

// The ADS1299's wires on Linux: spidev for SPI (mode 1: CPOL 0, CPHA 1) and
// libgpiod (v1 API, Debian 12's 1.6) for DRDY falling-edge events and the
// START, RESET and PWDN outputs. Event timestamps come from the kernel's
// interrupt handler on CLOCK_MONOTONIC (Linux >= 5.7), not from when this
// process woke up.

#include <memory>
#include <string>

#include "ads1299/io.hpp"

struct gpiod_chip;
struct gpiod_line;

namespace eegd::ads1299 {

struct linux_io_options {
  std::string spi_device = "/dev/spidev0.0";
  std::uint32_t spi_hz = 4'000'000;
  // Name, path, label or number, as gpiod_chip_open_lookup() takes them. The
  // Pi 5's header GPIOs sit on the RP1, labelled "pinctrl-rp1" (gpiochip4 on
  // older kernels, gpiochip0 on newer ones).
  std::string gpio_chip = "pinctrl-rp1";
  int drdy = 25;   // line offsets = BCM GPIO numbers; -1: not wired
  int start = 23;
  int reset = 24;
  int pwdn = -1;
};

class linux_io final : public io {
 public:
  static result<std::unique_ptr<linux_io>> open(const linux_io_options& options);
  ~linux_io() override;
  linux_io(const linux_io&) = delete;
  linux_io& operator=(const linux_io&) = delete;

  status transfer(std::span<const std::uint8_t> tx, std::span<std::uint8_t> rx, std::int64_t byte_gap_ns) override;
  wait_status wait_drdy(std::int64_t timeout_ns, drdy_event& event) override;
  int drdy_fd() const noexcept override { return drdy_fd_; }
  bool has_pin(pin p) const noexcept override { return line_for(p) != nullptr; }
  status set_pin(pin p, bool high) override;
  void delay(std::int64_t ns) override;
  std::int64_t now_ns() const noexcept override;
  std::string describe() const override { return o_.spi_device; }

 private:
  explicit linux_io(linux_io_options options) : o_(std::move(options)) {}
  gpiod_line* line_for(pin p) const noexcept;

  linux_io_options o_;
  int spi_fd_ = -1;
  gpiod_chip* chip_ = nullptr;
  gpiod_line* drdy_ = nullptr;
  gpiod_line* start_ = nullptr;
  gpiod_line* reset_ = nullptr;
  gpiod_line* pwdn_ = nullptr;
  int drdy_fd_ = -1;
};

}  // namespace eegd::ads1299
