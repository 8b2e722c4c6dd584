#include "stages/sources/ads1299.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "ads1299/emulator.hpp"
#include "ads1299/linux_io.hpp"

namespace eegd::stages {
namespace {

adc::input_mode input_of(const std::string& s) {
  if (s == "shorted") return adc::input_mode::shorted;
  if (s == "test_signal") return adc::input_mode::test_signal;
  if (s == "temperature") return adc::input_mode::temperature;
  if (s == "supply") return adc::input_mode::supply;
  return adc::input_mode::normal;
}

}  // namespace

eegd::status ads1299::build(eegd::build_context& ctx) {
  if (!adc::dr_code(rate_))
    return eegd::param_error("rate", "the ADS1299 cannot run at " + eegd::format_number(rate_) +
                                         " S/s; allowed: " + adc::allowed_rates());
  const auto chips = static_cast<std::size_t>(daisy_);
  adc_channels_ = chips * adc::channels_per_chip;
  out_channels_ = adc_channels_ + (status_channels_ ? chips : 0);

  // Daisy-chained chips share DIN, so every register write reaches all of
  // them: channel k of each chip necessarily has the same gain.
  const std::size_t per_chip = adc::channels_per_chip;
  if (gain_.size() != 1 && gain_.size() != per_chip && gain_.size() != adc_channels_)
    return eegd::param_error("gain", "give one gain or " + std::to_string(per_chip) + " (one per channel" +
                                         (chips > 1 ? ", or " + std::to_string(adc_channels_) : std::string()) +
                                         "), got " + std::to_string(gain_.size()));
  for (std::size_t i = 0; i < gain_.size(); ++i) {
    if (!adc::gain_code(gain_[i]))
      return eegd::param_error("gain", "the ADS1299 PGA has no gain " + eegd::format_number(gain_[i]) +
                                           "; allowed: 1, 2, 4, 6, 8, 12, 24");
    if (gain_.size() == adc_channels_ && gain_[i] != gain_[i % per_chip])
      return eegd::param_error("gain", "daisy-chained chips receive the same register writes: channel " +
                                           std::to_string(i + 1) + " must have the gain of channel " +
                                           std::to_string(i % per_chip + 1));
  }
  if (!channel_names_.empty() && channel_names_.size() != adc_channels_)
    return eegd::param_error("channel_names", "has " + std::to_string(channel_names_.size()) + " names for " +
                                                  std::to_string(adc_channels_) + " channels");

  adc::settings s;
  s.chips = static_cast<int>(daisy_);
  s.rate = rate_;
  for (std::size_t i = 0; i < per_chip; ++i) s.gain[i] = static_cast<int>(gain_[gain_.size() == 1 ? 0 : i]);
  s.input = input_of(input_);
  s.bias = bias_;
  s.lead_off = lead_off_;
  s.srb1 = srb1_;
  if (auto plan = adc::plan_registers(s); !plan) return eegd::param_error(plan.err().param, plan.err().message);

  std::vector<std::string> names = channel_names_;
  for (std::size_t c = names.size(); c < adc_channels_; ++c) names.push_back("ch" + std::to_string(c + 1));
  sensor_meta meta;
  meta.device = emulator_ ? "ads1299-emulator" : "ads1299";
  meta.rate_hz = rate_;
  meta.vref_v = vref_;
  meta.resolution_bits = 24;
  std::vector<std::string> units(adc_channels_, "counts");
  for (std::size_t c = 0; c < adc_channels_; ++c) {
    const double g = s.gain[c % per_chip];
    meta.gain.push_back(g);
    meta.uv_per_count.push_back(vref_ / (g * adc::full_scale_counts) * 1e6);  // datasheet: 1 LSB = VREF / (gain x 2^23)
  }
  // Status words ride along as numbers: to_voltage passes them through unscaled.
  for (std::size_t c = 0; c < out_channels_ - adc_channels_; ++c) {
    names.push_back("status" + std::to_string(c + 1));
    units.push_back("bits");
    meta.gain.push_back(1.0);
    meta.uv_per_count.push_back(1.0);
  }
  meta.channel_names = names;

  batch_frames_ = batch_ > 0 ? static_cast<std::uint32_t>(batch_) : std::max<std::uint32_t>(1, static_cast<std::uint32_t>(rate_ / 250));
  stream_info& out = ctx.output();
  out.kind = packet_kind::raw_counts;
  out.rate_hz = rate_;
  out.set_channels(std::move(names), "counts");
  out.units = std::move(units);
  out.max_frames = batch_frames_;
  out.uv_per_count = meta.uv_per_count;
  out.sensor = ctx.sensors().publish(
      emulator_ ? "ads1299-emulator:" + std::string(ctx.stage_name()) : "ads1299:" + spi_device_, std::move(meta));

  period_ns_ = 1e9 / rate_;
  drdy_timeout_ns_ = std::max<std::int64_t>(200'000'000, static_cast<std::int64_t>(20 * period_ns_));
  frame_.assign(adc_channels_, 0);
  status_.assign(chips, {});
  const auto window = static_cast<std::uint64_t>(rate_ / 2);  // 0.5 s windows, 32 s of history
  fit_mono_ = std::make_unique<adc::clock_fit>(rate_, window, 64);
  fit_real_ = std::make_unique<adc::clock_fit>(rate_, window, 64);
  if (ctx.dry_run()) return eegd::ok();

  if (emulator_) {
    adc::emulator_options o;
    o.chips = s.chips;
    o.drift_ppm = emu_drift_ppm_;
    o.missed_drdy_every = emu_missed_drdy_every_;
    o.spi_error_every = emu_spi_error_every_;
    o.sine_hz = emu_sine_hz_;
    o.sine_uv = emu_sine_uv_;
    for (double c : emu_leads_off_) o.leads_off.push_back(static_cast<int>(c));
    o.vref = vref_;
    o.realtime = realtime_;
    io_ = std::make_unique<adc::emulator>(std::move(o));
  } else {
    adc::linux_io_options o;
    o.spi_device = spi_device_;
    o.spi_hz = static_cast<std::uint32_t>(spi_hz_);
    o.gpio_chip = gpio_chip_;
    o.drdy = static_cast<int>(drdy_gpio_);
    o.start = static_cast<int>(start_gpio_);
    o.reset = static_cast<int>(reset_gpio_);
    o.pwdn = static_cast<int>(pwdn_gpio_);
    auto opened = adc::linux_io::open(o);
    if (!opened) return opened.err();
    io_ = std::move(opened.value());
  }
  driver_ = std::make_unique<adc::driver>(*io_, s);
  if (auto st = driver_->power_up(); !st) return eegd::error{st.err().message, {}};
  return eegd::ok();
}

ads1299::wait_outcome ads1299::next_drdy(eegd::source_context& ctx, adc::drdy_event& event) {
  const int fd = io_->drdy_fd();
  for (;;) {
    // Block on the DRDY descriptor where there is one, so a stop or pause
    // wakes this thread as promptly as an edge does.
    if (fd >= 0) {
      const auto w = ctx.wait_readable(fd, eegd::monotonic_ns() + drdy_timeout_ns_);
      if (w == eegd::source_context::wait_result::interrupted) return wait_outcome::interrupted;
      if (w == eegd::source_context::wait_result::timeout) break;
    } else if (ctx.interrupted()) {
      return wait_outcome::interrupted;
    }
    switch (driver_->wait(fd >= 0 ? 0 : drdy_timeout_ns_, event)) {
      case adc::wait_status::ready: return wait_outcome::ready;
      case adc::wait_status::timeout:
        if (fd >= 0) continue;  // the descriptor woke us for nothing
        break;
      case adc::wait_status::failed:
        last_error_ = "waiting for DRDY on " + io_->describe() + " failed";
        return wait_outcome::failed;
    }
    break;
  }
  last_error_ = "no DRDY from " + io_->describe() + " for " +
                eegd::format_number(static_cast<double>(drdy_timeout_ns_) / 1e6) +
                " ms: is the DRDY wire on GPIO" + std::to_string(drdy_gpio_) + " and the chip converting?";
  return wait_outcome::failed;
}

std::uint64_t ads1299::frame_index(const adc::drdy_event& event) {
  if (!have_first_) {
    have_first_ = true;
    real_minus_io_ns_ = eegd::realtime_ns() - io_->now_ns();
    t0_real_ns_ = event.t_ns + real_minus_io_ns_;
    last_t_ns_ = event.t_ns;
    last_frame_ = 0;
    return 0;
  }
  // The ADC clock counts frames; the host only sees edges. Time since the
  // previous edge, in (estimated) periods, says how many conversions passed.
  const double period = fit_mono_->ready() ? fit_mono_->period_ns() : period_ns_;
  const auto elapsed = std::llround(static_cast<double>(event.t_ns - last_t_ns_) / period);
  const std::uint64_t steps = std::max<std::uint64_t>({1, static_cast<std::uint64_t>(std::max<long long>(elapsed, 0)),
                                                       event.edges});
  last_frame_ += steps;
  last_t_ns_ = event.t_ns;
  return last_frame_;
}

double ads1299::clock_offset_ns(std::uint64_t frame) const {
  // Integer parts first: CLOCK_REALTIME in double nanoseconds is only good to 256 ns.
  return static_cast<double>(fit_real_->origin_ns() - t0_real_ns_) + fit_real_->since_origin(frame) -
         static_cast<double>(frame) * period_ns_;
}

std::int64_t ads1299::timestamp(std::uint64_t frame, std::uint32_t frames) {
  if (clock_slew_ppm_ > 0 && fit_real_->ready()) {
    // Follow the measured clock, but never faster than the slew limit: the
    // timestamps bend smoothly instead of jumping.
    const double limit = clock_slew_ppm_ * 1e-6 * frames * period_ns_;
    correction_ns_ += std::clamp(clock_offset_ns(frame) - correction_ns_, -limit, limit);
  }
  return t0_real_ns_ + std::llround(static_cast<double>(frame) * period_ns_ + correction_ns_);
}

void ads1299::note_status(const adc::chip_status* status) {
  std::uint64_t mask = 0;
  for (std::size_t c = 0; c < status_.size(); ++c)
    mask |= (std::uint64_t{status[c].loff_p} | std::uint64_t{status[c].loff_n} << 8) << (16 * c);
  leads_off_.store(mask, std::memory_order_relaxed);
}

eegd::flow ads1299::produce(eegd::emitter& out, eegd::source_context& ctx) {
  if (!converting_) {
    if (auto st = driver_->start(); !st) {
      last_error_ = st.err().message;
      return eegd::flow::error;
    }
    converting_ = true;
  }
  // Realtime changes (NTP steps) show up in the realtime fit; the virtual
  // clock of a free-running emulator has no relation to it.
  const std::int64_t real_minus_io_now = eegd::realtime_ns() - io_->now_ns();

  eegd::packet_builder b = out.make(batch_frames_);
  std::uint32_t n = 0;
  std::uint64_t first = 0;
  bool gap = false;
  auto seal = [&](eegd::packet_builder& p) {
    p.set_frames(n);
    eegd::packet_header& h = p.header();
    h.first_frame = first;
    h.t0_ns = timestamp(first, n);
    if (gap) h.flags |= eegd::packet_flags::gap;
    frames_.fetch_add(n, std::memory_order_relaxed);
  };
  while (n < batch_frames_) {
    adc::drdy_event ev;
    const wait_outcome w = next_drdy(ctx, ev);
    if (w == wait_outcome::interrupted) {
      pending_gap_ = pending_gap_ || n > 0;  // frames read so far are dropped
      return eegd::flow::ok;
    }
    if (w == wait_outcome::failed) return eegd::flow::error;
    const bool was_first = !have_first_;
    const std::uint64_t idx = frame_index(ev);
    if (driver_->read_frame(frame_.data(), status_.data()) != adc::frame_result::ok) {
      spi_errors_.fetch_add(1, std::memory_order_relaxed);
      last_error_ = driver_->last_error();
      next_expected_ = idx + 1;
      pending_gap_ = true;  // this frame, and the packet around it, are lost
      return eegd::flow::error;
    }
    fit_mono_->add(idx, ev.t_ns);
    fit_real_->add(idx, ev.t_ns + (emulator_ && !realtime_ ? real_minus_io_ns_ : real_minus_io_now));
    if (!was_first && idx != next_expected_) {
      // Conversions went by without a frame: a gap, counted unless it is the
      // documented one after a pause.
      gaps_.fetch_add(1, std::memory_order_relaxed);
      if (!resuming_) missed_frames_.fetch_add(idx - next_expected_, std::memory_order_relaxed);
      if (n > 0) {
        seal(b);
        out.emit(std::move(b));
        b = out.make(batch_frames_);
        n = 0;
      }
      gap = true;
    }
    resuming_ = false;
    next_expected_ = idx + 1;
    if (n == 0) {
      first = idx;
      gap = std::exchange(pending_gap_, false) || gap;  // always consume the pending flag
    }
    std::int32_t* dst = b.counts().data() + std::size_t{n} * out_channels_;
    std::copy(frame_.begin(), frame_.end(), dst);
    for (std::size_t c = adc_channels_; c < out_channels_; ++c)
      dst[c] = static_cast<std::int32_t>(status_[c - adc_channels_].word & 0x0FFFFFu);
    note_status(status_.data());
    ++n;
  }
  seal(b);
  out.emit(std::move(b));
  update_figures();
  return eegd::flow::ok;
}

void ads1299::update_figures() {
  if (!fit_mono_->ready() || !fit_real_->ready()) return;
  rate_est_.store(fit_mono_->rate_hz(), std::memory_order_relaxed);
  drift_mono_ppm_.store(fit_mono_->drift_ppm(), std::memory_order_relaxed);
  drift_real_ppm_.store(fit_real_->drift_ppm(), std::memory_order_relaxed);
  offset_real_ms_.store(clock_offset_ns(last_frame_) / 1e6, std::memory_order_relaxed);
  correction_ms_.store(correction_ns_ / 1e6, std::memory_order_relaxed);
  clock_ready_.store(true, std::memory_order_relaxed);
}

void ads1299::keep_error(const eegd::status& st) {
  if (!st) last_error_ = st.err().message;
}

void ads1299::on_pause() {
  // Nobody needs data: stop converting and idle the chip. The frame index
  // keeps following time, so the resumption is a flagged gap.
  if (!driver_ || !converting_) return;
  converting_ = false;
  keep_error(driver_->stop());
  keep_error(driver_->standby());
}

void ads1299::on_resume() {
  if (!driver_) return;
  resuming_ = true;
  resumes_.fetch_add(1, std::memory_order_relaxed);
  // START restarts the ADC's conversions at a new phase: fit afresh.
  fit_mono_->reset();
  fit_real_->reset();
  keep_error(driver_->wakeup());  // produce() starts conversions again
}

void ads1299::finish() {
  if (!driver_ || !converting_) return;
  converting_ = false;
  keep_error(driver_->stop());
  keep_error(driver_->standby());
}

void ads1299::report_status(eegd::status_writer& out) const {
  out.number("frames", static_cast<double>(frames_.load(std::memory_order_relaxed)));
  out.number("gaps", static_cast<double>(gaps_.load(std::memory_order_relaxed)));
  out.number("missed_frames", static_cast<double>(missed_frames_.load(std::memory_order_relaxed)));
  out.number("spi_errors", static_cast<double>(spi_errors_.load(std::memory_order_relaxed)));
  out.number("resumes", static_cast<double>(resumes_.load(std::memory_order_relaxed)));
  if (clock_ready_.load(std::memory_order_relaxed)) {
    out.number("rate_estimated_hz", rate_est_.load(std::memory_order_relaxed), "Hz");
    out.number("drift_monotonic_ppm", drift_mono_ppm_.load(std::memory_order_relaxed), "ppm");
    out.number("drift_realtime_ppm", drift_real_ppm_.load(std::memory_order_relaxed), "ppm");
    out.number("offset_realtime_ms", offset_real_ms_.load(std::memory_order_relaxed), "ms");
    out.number("timestamp_correction_ms", correction_ms_.load(std::memory_order_relaxed), "ms");
  }
  const std::uint64_t mask = leads_off_.load(std::memory_order_relaxed);
  std::string off;
  for (std::size_t c = 0; c < 4; ++c)
    for (int ch = 0; ch < 8; ++ch)
      for (int side = 0; side < 2; ++side)
        if (mask >> (16 * c + 8 * static_cast<std::size_t>(side) + static_cast<std::size_t>(ch)) & 1u)
          off += (off.empty() ? "" : " ") + std::to_string(c * 8 + static_cast<std::size_t>(ch) + 1) + (side ? "N" : "P");
  out.text("lead_off", off.empty() ? "none" : off);
}

}  // namespace eegd::stages
