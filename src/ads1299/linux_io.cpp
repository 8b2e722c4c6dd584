#include "ads1299/linux_io.hpp"

#include <fcntl.h>
#include <gpiod.h>
#include <linux/spi/spidev.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <ctime>

#include "eegd/clock.hpp"

namespace eegd::ads1299 {
namespace {

std::string why(int err) { return std::strerror(err); }

// SPI_IOC_MESSAGE(n) for a segment count known only at run time (the macro
// sizes a char array by n, a variable-length array when n is not a constant).
unsigned long spi_message_request(std::size_t segments) {
  return _IOC(_IOC_WRITE, SPI_IOC_MAGIC, 0, segments * sizeof(spi_ioc_transfer));
}

std::string spi_open_error(const std::string& dev, int err) {
  if (err == ENOENT)
    return "no " + dev + ": enable SPI with 'dtparam=spi=on' in /boot/firmware/config.txt and reboot";
  if (err == EACCES)
    return "permission denied opening " + dev + ": add the user to the 'spi' group (sudo usermod -aG spi $USER) "
           "and log in again";
  return "cannot open " + dev + ": " + why(err);
}

std::string gpio_error(const std::string& what, int err) {
  if (err == EACCES)
    return what + ": permission denied; add the user to the 'gpio' group (sudo usermod -aG gpio $USER)";
  if (err == EBUSY) return what + ": the line is in use by another program or driver (see gpioinfo)";
  return what + ": " + why(err);
}

}  // namespace

result<std::unique_ptr<linux_io>> linux_io::open(const linux_io_options& options) {
  std::unique_ptr<linux_io> io(new linux_io(options));
  io->spi_fd_ = ::open(options.spi_device.c_str(), O_RDWR | O_CLOEXEC);
  if (io->spi_fd_ < 0) return error{spi_open_error(options.spi_device, errno), "spi_device"};
  std::uint8_t mode = SPI_MODE_1, bits = 8;
  std::uint32_t hz = options.spi_hz;
  if (ioctl(io->spi_fd_, SPI_IOC_WR_MODE, &mode) < 0 || ioctl(io->spi_fd_, SPI_IOC_WR_BITS_PER_WORD, &bits) < 0 ||
      ioctl(io->spi_fd_, SPI_IOC_WR_MAX_SPEED_HZ, &hz) < 0)
    return error{"cannot configure " + options.spi_device + " (mode 1, 8 bits, " + std::to_string(hz) +
                     " Hz): " + why(errno),
                 "spi_hz"};

  io->chip_ = gpiod_chip_open_lookup(options.gpio_chip.c_str());
  if (!io->chip_) return error{gpio_error("cannot open GPIO chip '" + options.gpio_chip + "'", errno), "gpio_chip"};
  auto line = [&](int offset, const char* name, bool output, gpiod_line*& out) -> status {
    if (offset < 0) return ok();
    out = gpiod_chip_get_line(io->chip_, static_cast<unsigned>(offset));
    const int r = !out ? -1
                  : output ? gpiod_line_request_output(out, "eegd", name == std::string("start") ? 0 : 1)
                           : gpiod_line_request_falling_edge_events(out, "eegd");
    if (r < 0) {
      const int err = errno;
      out = nullptr;
      return error{gpio_error("cannot claim GPIO" + std::to_string(offset) + " (" + name + ") on " +
                                  options.gpio_chip,
                              err),
                   std::string(name) + "_gpio"};
    }
    return ok();
  };
  if (options.drdy < 0) return error{"the DRDY line must be wired", "drdy_gpio"};
  for (auto s : {line(options.drdy, "drdy", false, io->drdy_), line(options.start, "start", true, io->start_),
                 line(options.reset, "reset", true, io->reset_), line(options.pwdn, "pwdn", true, io->pwdn_)})
    if (!s) return s.err();
  io->drdy_fd_ = gpiod_line_event_get_fd(io->drdy_);
  return io;
}

linux_io::~linux_io() {
  if (chip_) gpiod_chip_close(chip_);  // releases every requested line
  if (spi_fd_ >= 0) ::close(spi_fd_);
}

gpiod_line* linux_io::line_for(pin p) const noexcept {
  switch (p) {
    case pin::start: return start_;
    case pin::reset: return reset_;
    case pin::pwdn: return pwdn_;
  }
  return nullptr;
}

status linux_io::transfer(std::span<const std::uint8_t> tx, std::span<std::uint8_t> rx, std::int64_t byte_gap_ns) {
  // Commands go out one byte per segment with a pause after each (chip select
  // stays low: cs_change 0), so the chip decodes every byte; data reads are
  // one segment. At most 32 segments: the longest command is a 26-byte RREG.
  std::array<spi_ioc_transfer, 32> seg{};
  const std::size_t n = std::min(tx.size(), rx.size());
  std::size_t count = 0;
  if (byte_gap_ns > 0 && n <= seg.size()) {
    const auto usecs = static_cast<std::uint16_t>((byte_gap_ns + 999) / 1000);
    for (std::size_t i = 0; i < n; ++i, ++count) {
      seg[i].tx_buf = reinterpret_cast<std::uintptr_t>(tx.data() + i);
      seg[i].rx_buf = reinterpret_cast<std::uintptr_t>(rx.data() + i);
      seg[i].len = 1;
      seg[i].delay_usecs = usecs;
      seg[i].speed_hz = o_.spi_hz;
      seg[i].bits_per_word = 8;
    }
  } else {
    seg[0].tx_buf = reinterpret_cast<std::uintptr_t>(tx.data());
    seg[0].rx_buf = reinterpret_cast<std::uintptr_t>(rx.data());
    seg[0].len = static_cast<std::uint32_t>(n);
    seg[0].speed_hz = o_.spi_hz;
    seg[0].bits_per_word = 8;
    count = 1;
  }
  if (ioctl(spi_fd_, spi_message_request(count), seg.data()) < 0)
    return error{"SPI transfer on " + o_.spi_device + " failed: " + why(errno), {}};
  return ok();
}

wait_status linux_io::wait_drdy(std::int64_t timeout_ns, drdy_event& event) {
  timespec ts = eegd::to_timespec(timeout_ns);
  const int r = gpiod_line_event_wait(drdy_, &ts);
  if (r == 0) return wait_status::timeout;
  if (r < 0) return wait_status::failed;
  // Everything queued: more than one edge means conversions went by unread.
  std::array<gpiod_line_event, 16> events{};
  const int n = gpiod_line_event_read_multiple(drdy_, events.data(), static_cast<unsigned>(events.size()));
  if (n <= 0) return wait_status::failed;
  const timespec& t = events[static_cast<std::size_t>(n - 1)].ts;
  event.t_ns = std::int64_t{t.tv_sec} * 1'000'000'000 + t.tv_nsec;
  event.edges = static_cast<std::uint32_t>(n);
  return wait_status::ready;
}

status linux_io::set_pin(pin p, bool high) {
  gpiod_line* l = line_for(p);
  if (!l) return error{"that control line is not wired", {}};
  if (gpiod_line_set_value(l, high ? 1 : 0) < 0) return error{gpio_error("cannot set a GPIO line", errno), {}};
  return ok();
}

void linux_io::delay(std::int64_t ns) {
  if (ns <= 0) return;
  timespec ts = eegd::to_timespec(ns);
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}

std::int64_t linux_io::now_ns() const noexcept { return eegd::monotonic_ns(); }

}  // namespace eegd::ads1299
