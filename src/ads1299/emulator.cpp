#include "ads1299/emulator.hpp"

#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <numbers>

#include "ads1299/frame.hpp"
#include "eegd/clock.hpp"

namespace eegd::ads1299 {
namespace {

std::uint64_t splitmix64(std::uint64_t& x) noexcept {
  std::uint64_t z = (x += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Datasheet figures for the internal measurement channels.
constexpr double temp_sensor_v_at_25c = 0.1453;  // 145,300 uV
constexpr double temp_sensor_v_per_c = 0.00049;  // 490 uV / degree C
constexpr double analog_supply_v = 5.0;          // AVDD - AVSS (+-2.5 V board)
constexpr double digital_supply_v = 3.3;         // DVDD

}  // namespace

emulator::emulator(emulator_options options) : o_(std::move(options)) {
  o_.chips = std::clamp(o_.chips, 1, max_chips);
  now_ = o_.start_ns >= 0 ? o_.start_ns : eegd::monotonic_ns();
  rng_ = o_.seed;
  frame_.assign(static_cast<std::size_t>(o_.chips) * bytes_per_chip, 0);
  if (o_.realtime) timer_fd_ = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  power_on_reset();
}

emulator::~emulator() {
  if (timer_fd_ >= 0) ::close(timer_fd_);
}

std::int64_t emulator::now_ns() const noexcept { return o_.realtime ? eegd::monotonic_ns() : now_; }

void emulator::delay(std::int64_t ns) {
  if (ns <= 0) return;
  if (o_.realtime) eegd::sleep_until_monotonic(eegd::monotonic_ns() + ns);
  else now_ += ns;
}

double emulator::period_ns() const noexcept {
  return 1e9 / (rate_of(regs_[reg::config1]) * (1.0 + o_.drift_ppm * 1e-6));
}

void emulator::log(std::string entry) {
  if (o_.record) trace_.push_back(std::move(entry));
}

void emulator::power_on_reset() {
  regs_ = reset_values;
  rdatac_ = true;  // the chip wakes up in read-data-continuous mode
  standby_ = false;
  converting_ = false;
  latest_conv_ = loaded_conv_ = -1;
  if (start_pin_ && powered_) start_conversions();
}

void emulator::start_conversions() {
  converting_ = true;
  conv_start_ = now_ns();
  next_conv_ = 0;
  latest_conv_ = loaded_conv_ = -1;
  arm_timer();
}

std::int64_t emulator::edge_time(std::uint64_t conv) const noexcept {
  return conv_start_ + std::llround(static_cast<double>(conv + 1) * period_ns());
}

bool emulator::edge_swallowed(std::uint64_t conv) const noexcept {
  return o_.missed_drdy_every > 0 && (conv + 1) % static_cast<std::uint64_t>(o_.missed_drdy_every) == 0;
}

std::uint64_t emulator::completed_by(std::int64_t t) const noexcept {
  if (t < conv_start_) return 0;
  auto n = static_cast<std::uint64_t>(static_cast<double>(t - conv_start_) / period_ns());
  while (n > 0 && edge_time(n - 1) > t) --n;
  while (edge_time(n) <= t) ++n;
  return n;
}

void emulator::arm_timer() {
  if (timer_fd_ < 0) return;
  itimerspec spec{};
  if (converting_ && !standby_ && powered_) {
    std::uint64_t k = next_conv_;
    while (edge_swallowed(k)) ++k;
    const std::int64_t t = edge_time(k);
    spec.it_value = eegd::to_timespec(t);
  }
  timerfd_settime(timer_fd_, TFD_TIMER_ABSTIME, &spec, nullptr);
}

wait_status emulator::wait_drdy(std::int64_t timeout_ns, drdy_event& event) {
  if (!converting_ || standby_ || !powered_) {
    delay(timeout_ns);
    return wait_status::timeout;
  }
  std::uint64_t k = next_conv_;
  while (edge_swallowed(k)) ++k;
  const std::int64_t t = edge_time(k);
  if (o_.realtime) {
    const std::int64_t now = eegd::monotonic_ns();
    if (t > now + timeout_ns) {
      eegd::sleep_until_monotonic(now + timeout_ns);
      return wait_status::timeout;
    }
    if (t > now) eegd::sleep_until_monotonic(t);
    // No read of the timerfd: re-arming it below clears its expirations.
    // Everything that completed while the host was away: the kernel would
    // have queued one event per edge, and the data register holds the newest.
    const std::uint64_t done = completed_by(eegd::monotonic_ns());
    event.edges = 0;
    std::uint64_t last_edge = k;
    for (std::uint64_t c = next_conv_; c < done; ++c)
      if (!edge_swallowed(c)) ++event.edges, last_edge = c;
    event.t_ns = edge_time(last_edge);
    latest_conv_ = static_cast<std::int64_t>(last_edge);
    next_conv_ = last_edge + 1;
  } else {
    if (t > now_ + timeout_ns) {
      now_ += timeout_ns;
      return wait_status::timeout;
    }
    const std::int64_t jitter =
        o_.jitter_ns > 0 ? static_cast<std::int64_t>(splitmix64(rng_) % static_cast<std::uint64_t>(o_.jitter_ns + 1))
                         : 0;
    // Each edge is seen late by its own delay; delays do not add up.
    event.t_ns = t + jitter;
    now_ = std::max(now_, event.t_ns);
    event.edges = 1;
    latest_conv_ = static_cast<std::int64_t>(k);
    next_conv_ = k + 1;
  }
  arm_timer();
  return wait_status::ready;
}

double emulator::channel_volts(int chip, int ch, std::uint64_t conv) const {
  const std::uint8_t set = regs_[reg::ch1set + ch];
  if (set & chset::power_down) return 0.0;
  const double gain = gain_of(set);
  const int global = chip * channels_per_chip + ch;
  double v = 0.0;
  switch (static_cast<mux>(set & chset::mux_mask)) {
    case mux::normal: {
      if (std::find(o_.leads_off.begin(), o_.leads_off.end(), global + 1) != o_.leads_off.end())
        return o_.vref;  // a floating input drifts to the rail
      // Electrode signals live in true time, which the drifted crystal samples.
      const double t = static_cast<double>(conv) * period_ns() * 1e-9;
      if (!o_.sine_hz.empty() && !o_.sine_uv.empty()) {
        const auto i = static_cast<std::size_t>(global);
        v = o_.sine_uv[i % o_.sine_uv.size()] * 1e-6 *
            std::sin(2 * std::numbers::pi * o_.sine_hz[i % o_.sine_hz.size()] * t);
      }
      break;
    }
    case mux::supply: v = (ch == 2 || ch == 3) ? digital_supply_v / 4 : analog_supply_v / 2; break;
    case mux::temperature: v = temp_sensor_v_at_25c + temp_sensor_v_per_c * (o_.temperature_c - 25.0); break;
    case mux::test: {
      const std::uint8_t c2 = regs_[reg::config2];
      if (!(c2 & config2::int_cal)) return 0.0;
      const double amp = o_.vref / 2400.0 * ((c2 & config2::cal_amp_2x) ? 2.0 : 1.0);
      const std::uint8_t f = c2 & config2::cal_freq_mask;
      if (f == config2::cal_freq_dc || f == 0x02) return amp * gain;
      // Derived from the same crystal as the samples: count in chip time.
      const double hz = clock_hz / (f == config2::cal_freq_20 ? 1048576.0 : 2097152.0);
      const double cycles = static_cast<double>(conv) / rate_of(regs_[reg::config1]) * hz;
      v = (cycles - std::floor(cycles)) < 0.5 ? amp : -amp;
      break;
    }
    case mux::shorted:
    case mux::bias_meas:
    case mux::bias_drp:
    case mux::bias_drn: v = 0.0; break;
  }
  return v * gain;
}

void emulator::load_frame(std::uint64_t conv) {
  const bool comparators = (regs_[reg::config4] & config4_pd_loff_comp) != 0;
  for (int chip = 0; chip < o_.chips; ++chip) {
    std::uint8_t off = 0;
    for (int ch = 0; ch < channels_per_chip; ++ch)
      if (std::find(o_.leads_off.begin(), o_.leads_off.end(), chip * channels_per_chip + ch + 1) != o_.leads_off.end())
        off |= static_cast<std::uint8_t>(1u << ch);
    const std::uint8_t statp = comparators ? (off & regs_[reg::loff_sensp]) : 0;
    const std::uint8_t statn = comparators ? (off & regs_[reg::loff_sensn]) : 0;
    if (chip == 0) regs_[reg::loff_statp] = statp, regs_[reg::loff_statn] = statn;
    const std::uint32_t word = status_header | (std::uint32_t{statp} << 12) | (std::uint32_t{statn} << 4) |
                               ((regs_[reg::gpio] >> 4) & 0x0Fu);
    std::uint8_t* p = frame_.data() + static_cast<std::size_t>(chip) * bytes_per_chip;
    auto put24 = [&](std::uint32_t x) {
      *p++ = static_cast<std::uint8_t>(x >> 16), *p++ = static_cast<std::uint8_t>(x >> 8),
      *p++ = static_cast<std::uint8_t>(x);
    };
    put24(word);
    for (int ch = 0; ch < channels_per_chip; ++ch) {
      const double counts = std::round(channel_volts(chip, ch, conv) / o_.vref * full_scale_counts);
      put24(static_cast<std::uint32_t>(
          static_cast<std::int32_t>(std::clamp(counts, -full_scale_counts, full_scale_counts - 1))));
    }
  }
  loaded_conv_ = static_cast<std::int64_t>(conv);
  frame_pos_ = 0;
}

void emulator::execute(std::uint8_t op) {
  switch (op) {
    case cmd::wakeup:
      if (standby_) {
        standby_ = false;
        if (converting_) start_conversions();
      }
      break;
    case cmd::standby: standby_ = true, arm_timer(); break;
    case cmd::reset: power_on_reset(); break;
    case cmd::start: start_conversions(); break;
    case cmd::stop: converting_ = false, arm_timer(); break;
    case cmd::rdatac: rdatac_ = true; break;
    case cmd::sdatac: rdatac_ = false; break;
    default: break;  // NOP and undefined opcodes do nothing
  }
}

status emulator::transfer(std::span<const std::uint8_t> tx, std::span<std::uint8_t> rx, std::int64_t byte_gap_ns) {
  const bool data_read = rdatac_ && latest_conv_ >= 0 && !tx.empty() && tx[0] == 0;
  if (o_.record) {
    if (data_read) {
      log("read " + std::to_string(tx.size()));
    } else {
      std::string s = "spi";
      char b[4];
      for (auto x : tx) std::snprintf(b, sizeof b, " %02x", x), s += b;
      log(std::move(s));
    }
  }
  delay(byte_gap_ns * static_cast<std::int64_t>(tx.size()));
  std::fill(rx.begin(), rx.end(), std::uint8_t{0});
  if (!powered_) return ok();
  if (data_read && o_.spi_error_every > 0 && ++data_reads_ % static_cast<std::uint64_t>(o_.spi_error_every) == 0) {
    // MISO stuck high for this transfer, as a loose wire does.
    std::fill(rx.begin(), rx.end(), std::uint8_t{0xFF});
    return ok();
  }
  if (rdatac_ && latest_conv_ >= 0 && latest_conv_ != loaded_conv_) load_frame(static_cast<std::uint64_t>(latest_conv_));

  enum class state : std::uint8_t { opcode, count, read_regs, write_regs, data } st = state::opcode;
  bool writing = false;
  std::uint8_t addr = 0;
  int remaining = 0;
  for (std::size_t i = 0; i < tx.size(); ++i) {
    const std::uint8_t b = tx[i];
    std::uint8_t out = 0;
    switch (st) {
      case state::opcode:
        // In RDATAC mode DOUT shifts out the newest conversion whatever DIN says.
        if (rdatac_ && loaded_conv_ >= 0 && frame_pos_ < frame_.size()) out = frame_[frame_pos_];
        if (rdatac_ && loaded_conv_ >= 0) ++frame_pos_;
        if ((b & 0xE0) == cmd::rreg || (b & 0xE0) == cmd::wreg) {
          // Register access is ignored in RDATAC mode (datasheet: send SDATAC first).
          if (!rdatac_) st = state::count, writing = (b & 0xE0) == cmd::wreg, addr = b & 0x1F;
        } else if (b == cmd::rdata && !rdatac_) {
          if (latest_conv_ >= 0) load_frame(static_cast<std::uint64_t>(latest_conv_));
          st = state::data;
        } else {
          execute(b);
        }
        break;
      case state::count:
        remaining = (b & 0x1F) + 1;
        st = writing ? state::write_regs : state::read_regs;
        break;
      case state::read_regs:
        out = addr < reg::count ? regs_[addr] : 0;
        ++addr;
        if (--remaining == 0) st = state::opcode;
        break;
      case state::write_regs: {
        if (addr < reg::count && !read_only(addr)) {
          const bool rate_changed = addr == reg::config1 && ((regs_[addr] ^ b) & config1::dr_mask) != 0;
          regs_[addr] = b;
          if (rate_changed && converting_) start_conversions();  // a new rate restarts the filter
        }
        ++addr;
        if (--remaining == 0) st = state::opcode;
        break;
      }
      case state::data:
        out = frame_pos_ < frame_.size() && loaded_conv_ >= 0 ? frame_[frame_pos_] : 0;
        ++frame_pos_;
        break;
    }
    if (i < rx.size()) rx[i] = out;
  }
  return ok();
}

status emulator::set_pin(pin p, bool high) {
  static constexpr const char* names[] = {"start", "reset", "pwdn"};
  log(std::string(names[static_cast<int>(p)]) + (high ? "=1" : "=0"));
  switch (p) {
    case pin::start:
      start_pin_ = high;
      if (high && powered_) start_conversions();
      else if (!high) converting_ = false, arm_timer();
      break;
    case pin::reset:
      if (high && !reset_pin_) power_on_reset();
      reset_pin_ = high;
      break;
    case pin::pwdn:
      if (!high) powered_ = false, converting_ = false, arm_timer();
      else if (!powered_) powered_ = true, power_on_reset();
      break;
  }
  return ok();
}

}  // namespace eegd::ads1299
