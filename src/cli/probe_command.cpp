// `eegd probe`: talks to an ADS1299 (or the emulator) with the same driver the
// source uses, and prints what a person wiring a board needs to see: the ID,
// every register, the rate, a few frames and a one-second summary.
#include <fmt/format.h>

#include <cmath>
#include <iostream>
#include <memory>

#include "ads1299/driver.hpp"
#include "ads1299/emulator.hpp"
#include "ads1299/linux_io.hpp"
#include "cli/commands.hpp"

namespace eegd::cli {
namespace {

namespace adc = eegd::ads1299;

adc::input_mode input_of(const std::string& s) {
  if (s == "shorted") return adc::input_mode::shorted;
  if (s == "test_signal") return adc::input_mode::test_signal;
  if (s == "temperature") return adc::input_mode::temperature;
  if (s == "supply") return adc::input_mode::supply;
  return adc::input_mode::normal;
}

}  // namespace

int probe_command(const probe_options& o) {
  adc::settings s;
  s.chips = o.daisy;
  s.rate = o.rate;
  s.gain.fill(o.gain);
  s.input = input_of(o.input);
  s.lead_off = o.lead_off;
  if (auto plan = adc::plan_registers(s); !plan) {
    std::cerr << "eegd probe: " << plan.err().message << "\n";
    return exit_usage;
  }

  std::unique_ptr<adc::io> io;
  if (o.emulator) {
    adc::emulator_options e;
    e.chips = o.daisy;
    e.realtime = true;
    e.sine_hz = {10};
    e.sine_uv = {50};
    io = std::make_unique<adc::emulator>(e);
  } else {
    adc::linux_io_options l;
    l.spi_device = o.spi_device;
    l.spi_hz = o.spi_hz;
    l.gpio_chip = o.gpio_chip;
    l.drdy = o.drdy_gpio;
    l.start = o.start_gpio;
    l.reset = o.reset_gpio;
    l.pwdn = o.pwdn_gpio;
    auto opened = adc::linux_io::open(l);
    if (!opened) {
      std::cerr << "eegd probe: " << opened.err().message << "\n";
      return exit_failed;
    }
    io = std::move(opened.value());
  }

  adc::driver drv(*io, s);
  if (auto st = drv.power_up(); !st) {
    std::cerr << "eegd probe: " << st.err().message << "\n";
    return exit_failed;
  }
  const std::uint8_t id = drv.id();
  std::cout << "ADS1299 on " << io->describe() << ": ID " << fmt::format("0x{:02X}", id) << " (8 channels, revision "
            << (id >> 5) << "), " << o.daisy << (o.daisy == 1 ? " chip" : " chips in a daisy chain") << "\n";
  std::cout << "registers (first chip):\n";
  const auto& regs = drv.registers();
  for (std::size_t a = 0; a < regs.size(); ++a)
    std::cout << fmt::format("  {:02X} {:<10} 0x{:02X}\n", a, adc::register_names[a], regs[a]);
  std::cout << "rate " << adc::rate_of(regs[adc::reg::config1]) << " S/s, gain " << adc::gain_of(regs[adc::reg::ch1set])
            << ", input " << o.input << "\n";

  const std::size_t nch = drv.channels();
  const double uv_per_count = 4.5 / (o.gain * adc::full_scale_counts) * 1e6;
  std::vector<std::int32_t> counts(nch);
  std::vector<adc::chip_status> status(static_cast<std::size_t>(o.daisy));
  std::vector<double> lo(nch, 1e300), hi(nch, -1e300), sum(nch, 0), sq(nch, 0);
  std::uint64_t frames = 0, bad = 0, extra_edges = 0;
  std::uint8_t loff_p = 0, loff_n = 0;
  if (auto st = drv.start(); !st) {
    std::cerr << "eegd probe: " << st.err().message << "\n";
    return exit_failed;
  }
  const auto wanted = static_cast<std::uint64_t>(o.seconds * o.rate);
  const std::int64_t t_start = io->now_ns();
  std::cout << "first frames (counts; status = LOFF_STATP LOFF_STATN GPIO):\n";
  while (frames + bad < wanted) {
    adc::drdy_event ev;
    const auto w = drv.wait(500'000'000, ev);
    if (w != adc::wait_status::ready) {
      std::cerr << "eegd probe: no DRDY within 500 ms after " << frames
                << " frames: check the DRDY wire (GPIO" << o.drdy_gpio << ") and START\n";
      return exit_failed;
    }
    extra_edges += ev.edges - 1;
    if (drv.read_frame(counts.data(), status.data()) != adc::frame_result::ok) {
      ++bad;
      continue;
    }
    loff_p |= status[0].loff_p, loff_n |= status[0].loff_n;
    if (frames < static_cast<std::uint64_t>(o.show_frames)) {
      std::cout << fmt::format("  {:4}  {:02X} {:02X} {:X} ", frames, status[0].loff_p, status[0].loff_n,
                                   status[0].gpio);
      for (auto c : counts) std::cout << fmt::format(" {:8}", c);
      std::cout << "\n";
    }
    for (std::size_t c = 0; c < nch; ++c) {
      const double v = counts[c] * uv_per_count;
      lo[c] = std::min(lo[c], v), hi[c] = std::max(hi[c], v), sum[c] += v, sq[c] += v * v;
    }
    ++frames;
  }
  const double elapsed = static_cast<double>(io->now_ns() - t_start) * 1e-9;
  if (auto st = drv.stop(); !st) std::cerr << "eegd probe: " << st.err().message << "\n";
  std::cout << fmt::format("{} frames in {:.3f} s ({:.1f} S/s measured), {} bad frames, {} missed DRDYs\n", frames,
                           elapsed, static_cast<double>(frames + bad) / elapsed, bad, extra_edges);
  std::cout << "summary in uV (vref 4.5 V):\n    ch        min        max       mean        rms\n";
  for (std::size_t c = 0; c < nch && frames > 0; ++c) {
    const double mean = sum[c] / static_cast<double>(frames);
    std::cout << fmt::format("  {:4} {:10.2f} {:10.2f} {:10.2f} {:10.2f}\n", c + 1, lo[c], hi[c], mean,
                             std::sqrt(sq[c] / static_cast<double>(frames)));
  }
  if (o.lead_off) std::cout << fmt::format("lead-off (first chip): P 0x{:02X}, N 0x{:02X}\n", loff_p, loff_n);
  return bad == 0 ? exit_ok : exit_failed;
}

}  // namespace eegd::cli
