#include "ads1299/driver.hpp"

#include <cstdio>

namespace eegd::ads1299 {
namespace {

std::string number(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%g", v);
  return b;
}

std::string hex(std::uint8_t v) {
  char b[8];
  std::snprintf(b, sizeof b, "0x%02X", v);
  return b;
}

constexpr std::int64_t gap_ns = clocks_to_ns(decode_clocks);
// The datasheet gives no figure for the internal reference to settle after
// PD_REFBUF; TI's example code waits milliseconds. 10 ms is ample.
constexpr std::int64_t reference_settle_ns = 10'000'000;

mux mux_for(input_mode m) {
  switch (m) {
    case input_mode::normal: return mux::normal;
    case input_mode::shorted: return mux::shorted;
    case input_mode::test_signal: return mux::test;
    case input_mode::temperature: return mux::temperature;
    case input_mode::supply: return mux::supply;
  }
  return mux::normal;
}

}  // namespace

std::string allowed_rates() {
  std::string s;
  for (auto it = rates.rbegin(); it != rates.rend(); ++it) s += (s.empty() ? "" : ", ") + std::to_string(*it);
  return s;
}

result<std::vector<register_write>> plan_registers(const settings& s) {
  const auto dr = dr_code(s.rate);
  if (!dr) return error{"the ADS1299 cannot run at " + number(s.rate) + " S/s; allowed: " + allowed_rates(),
                        "rate"};
  if (s.chips < 1 || s.chips > max_chips) return error{"daisy chains hold 1 to 4 chips", "daisy"};
  const bool electrodes = s.input == input_mode::normal;
  std::vector<register_write> plan;
  const auto c3 = static_cast<std::uint8_t>(config3::fixed | config3::pd_refbuf |
                                            (s.bias ? config3::biasref_int | config3::pd_bias : 0));
  plan.push_back({reg::config3, {c3}});
  const auto c1 = static_cast<std::uint8_t>(config1::fixed | (s.chips > 1 ? config1::clk_en : 0) | *dr);
  auto c2 = static_cast<std::uint8_t>(config2::fixed);
  if (s.input == input_mode::test_signal)
    c2 |= static_cast<std::uint8_t>(config2::int_cal | (s.test_signal_2x ? config2::cal_amp_2x : 0) |
                                    (s.test_signal_fast ? config2::cal_freq_20 : config2::cal_freq_21));
  plan.push_back({reg::config1, {c1, c2}});
  plan.push_back({reg::loff, {static_cast<std::uint8_t>(loff::comp_th_95 | loff::ilead_6na | loff::flead_dc)}});
  std::vector<std::uint8_t> chans;
  for (int g : s.gain) {
    const auto code = gain_code(g);
    if (!code) return error{"the ADS1299 PGA has no gain " + std::to_string(g) + "; allowed: 1, 2, 4, 6, 8, 12, 24",
                            "gain"};
    chans.push_back(static_cast<std::uint8_t>((*code << chset::gain_shift) | static_cast<std::uint8_t>(mux_for(s.input))));
  }
  plan.push_back({reg::ch1set, chans});
  // With SRB1 the negative inputs are the shared reference: they neither feed
  // the bias drive nor get lead-off current of their own.
  const std::uint8_t all = 0xFF;
  const std::uint8_t bias_p = s.bias && electrodes ? all : 0, bias_n = s.bias && electrodes && !s.srb1 ? all : 0;
  const std::uint8_t loff_p = s.lead_off ? all : 0, loff_n = s.lead_off && !s.srb1 ? all : 0;
  plan.push_back({reg::bias_sensp, {bias_p, bias_n, loff_p, loff_n}});
  plan.push_back({reg::misc1, {static_cast<std::uint8_t>(s.srb1 ? misc1_srb1 : 0)}});
  plan.push_back({reg::config4, {static_cast<std::uint8_t>(s.lead_off ? config4_pd_loff_comp : 0)}});
  return plan;
}

driver::driver(io& io, settings s) : io_(io), s_(s) {
  const std::size_t bytes = static_cast<std::size_t>(s_.chips) * bytes_per_chip;
  tx_.assign(bytes, 0);
  rx_.assign(bytes, 0);
}

status driver::command(std::uint8_t opcode) {
  std::uint8_t rx = 0;
  return io_.transfer({&opcode, 1}, {&rx, 1}, 0);
}

status driver::write_registers(std::uint8_t address, std::span<const std::uint8_t> values) {
  std::vector<std::uint8_t> tx = {static_cast<std::uint8_t>(cmd::wreg | address),
                                  static_cast<std::uint8_t>(values.size() - 1)};
  tx.insert(tx.end(), values.begin(), values.end());
  std::vector<std::uint8_t> rx(tx.size());
  return io_.transfer(tx, rx, gap_ns);
}

result<std::vector<std::uint8_t>> driver::read_register_block(std::uint8_t address, std::size_t count) {
  std::vector<std::uint8_t> tx(count + 2, 0), rx(count + 2, 0);
  tx[0] = static_cast<std::uint8_t>(cmd::rreg | address);
  tx[1] = static_cast<std::uint8_t>(count - 1);
  if (auto s = io_.transfer(tx, rx, gap_ns); !s) return s.err();
  return std::vector<std::uint8_t>(rx.begin() + 2, rx.end());
}

status driver::power_up() {
  const auto plan = plan_registers(s_);
  if (!plan) return plan.err();
  // Lines first: powered, out of reset, not converting; then 2^18 tCLK for the
  // power-on reset to finish.
  for (auto [p, level] : {std::pair{pin::pwdn, true}, {pin::reset, true}, {pin::start, false}})
    if (io_.has_pin(p))
      if (auto st = io_.set_pin(p, level); !st) return st;
  io_.delay(clocks_to_ns(power_on_reset_clocks));
  if (io_.has_pin(pin::reset)) {
    if (auto st = io_.set_pin(pin::reset, false); !st) return st;
    io_.delay(clocks_to_ns(reset_pulse_clocks));
    if (auto st = io_.set_pin(pin::reset, true); !st) return st;
  } else if (auto st = command(cmd::reset); !st) {
    return st;
  }
  io_.delay(clocks_to_ns(after_reset_clocks));
  // The chip wakes in RDATAC mode, where it ignores register access.
  if (auto st = command(cmd::sdatac); !st) return st;

  auto id = read_register_block(reg::id, 1);
  if (!id) return id.err();
  id_ = (*id)[0];
  if ((id_ & id_mask) != id_ads1299_8ch) {
    const bool silent = id_ == 0x00 || id_ == 0xFF;
    return error{"no 8-channel ADS1299 on " + io_.describe() + ": ID register reads " + hex(id_) +
                 " (expected 0x3E)" +
                 (silent ? "; nothing answers: check power, wiring, chip select and SPI mode 1" : ""),
                 {}};
  }

  for (const auto& w : plan.value()) {
    if (auto st = write_registers(w.address, w.values); !st) return st;
    if (w.address == reg::config3) io_.delay(reference_settle_ns);
  }
  auto all = read_register_block(0, reg::count);
  if (!all) return all.err();
  std::copy(all->begin(), all->end(), regs_.begin());
  for (const auto& w : plan.value())
    for (std::size_t i = 0; i < w.values.size(); ++i) {
      const auto a = static_cast<std::uint8_t>(w.address + i);
      if (!read_only(a) && regs_[a] != w.values[i])
        return error{"register " + std::string(register_names[a]) + " on " + io_.describe() + " reads back " +
                         hex(regs_[a]) + " after writing " + hex(w.values[i]) + " (SPI clock too fast or bad wiring?)",
                     {}};
    }
  return command(cmd::rdatac);
}

status driver::start() {
  if (io_.has_pin(pin::start)) return io_.set_pin(pin::start, true);
  return command(cmd::start);
}

status driver::stop() {
  if (io_.has_pin(pin::start)) return io_.set_pin(pin::start, false);
  return command(cmd::stop);
}

status driver::standby() { return command(cmd::standby); }
status driver::wakeup() { return command(cmd::wakeup); }

frame_result driver::read_frame(std::int32_t* counts, chip_status* status) {
  if (auto st = io_.transfer(tx_, rx_, 0); !st) {
    last_error_ = st.err().message;
    return frame_result::spi_failed;
  }
  if (!decode_frame(rx_, static_cast<std::size_t>(s_.chips), counts, status)) {
    last_error_ = "a frame's status word lacks its 1100 header (bus noise or a missed read)";
    return frame_result::bad_status;
  }
  return frame_result::ok;
}

result<std::array<std::uint8_t, reg::count>> driver::read_registers() {
  if (auto st = command(cmd::sdatac); !st) return st.err();
  auto all = read_register_block(0, reg::count);
  if (!all) return all.err();
  std::copy(all->begin(), all->end(), regs_.begin());
  if (auto st = command(cmd::rdatac); !st) return st.err();
  return regs_;
}

}  // namespace eegd::ads1299
