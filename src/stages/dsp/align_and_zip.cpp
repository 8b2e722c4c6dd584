#include "stages/dsp/align_and_zip.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace eegd::stages {

eegd::status align_and_zip::build(eegd::build_context& ctx) {
  const stream_info& a = ctx.input(0);
  const stream_info& b = ctx.input(1);
  for (const stream_info* s : {&a, &b})
    if (s->kind == packet_kind::raw_counts)
      return eegd::error{"needs voltage or derived inputs, got raw counts; put to_voltage before it", {}};
  lead_ = b.rate_hz > a.rate_hz ? 1 : 0;
  const stream_info& lead = lead_ ? b : a;
  period_ns_ = static_cast<std::int64_t>(std::llround(1e9 / lead.rate_hz));
  wait_ns_ = static_cast<std::int64_t>(wait_ * 1e9);
  for (std::size_t p = 0; p < 2; ++p) {
    const stream_info& s = p ? b : a;
    fifo& f = port_[p];
    f.channels = s.channels;
    // What `wait` seconds of this input hold, plus one packet arriving on top.
    f.capacity = static_cast<std::size_t>(std::ceil(wait_ * s.rate_hz)) + s.max_frames + 2;
    f.values.assign(f.capacity * f.channels, 0.0f);
    f.t_ns.assign(f.capacity, 0);
    f.index.assign(f.capacity, 0);
    f.head = f.size = 0;
  }
  stream_info& out = ctx.output();
  out.kind = a.kind == packet_kind::derived && b.kind == packet_kind::derived ? packet_kind::derived : packet_kind::voltage;
  out.rate_hz = lead.rate_hz;
  out.max_frames = std::max<std::uint32_t>(lead.max_frames, 1);
  max_frames_ = out.max_frames;
  out.channel_names = a.channel_names;
  out.channel_names.insert(out.channel_names.end(), b.channel_names.begin(), b.channel_names.end());
  out.units = a.units;
  out.units.insert(out.units.end(), b.units.begin(), b.units.end());
  out.channels = a.channels + b.channels;
  out.uv_per_count.clear();
  out.sensor = lead.sensor;
  pending_.assign(std::size_t{max_frames_} * out.channels, 0.0f);
  pending_frames_ = 0;
  gap_ = false;
  return eegd::ok();
}

eegd::flow align_and_zip::process(std::size_t port, const eegd::packet_ref& in, eegd::emitter& out) noexcept {
  fifo& f = port_[port];
  const packet_header& h = in->header();
  const float* x = in->values().data();
  for (std::uint32_t i = 0; i < h.frames; ++i) {
    if (f.size == f.capacity) {
      // Only reachable when the other input stalls for longer than `wait`.
      if (port == lead_) drop_leading(true);
      else f.pop();
    }
    const std::size_t slot = (f.head + f.size) % f.capacity;
    std::copy_n(x + std::size_t{i} * f.channels, f.channels, &f.values[slot * f.channels]);
    f.t_ns[slot] = h.frame_time_ns(i);
    f.index[slot] = h.first_frame + i;
    ++f.size;
  }
  pair_frames(out, *in);
  return eegd::flow::ok;
}

void align_and_zip::drop_leading(bool counted) noexcept {
  port_[lead_].pop();
  if (counted) unmatched_.fetch_add(1, std::memory_order_relaxed);
  gap_ = true;
}

void align_and_zip::pair_frames(eegd::emitter& out, const eegd::packet& in) noexcept {
  fifo& lead = port_[lead_];
  fifo& other = port_[1 - lead_];
  const std::size_t out_channels = lead.channels + other.channels;
  while (lead.size > 0) {
    const std::int64_t t = lead.time(0);
    // Older partners can only be farther from this and every later leading frame.
    while (other.size >= 2 && std::llabs(other.time(1) - t) <= std::llabs(other.time(0) - t)) other.pop();
    // Decidable once the other input has reached t: anything it sends later is farther.
    if (other.size == 0 || other.time(other.size - 1) < t) {
      if (lead.time(lead.size - 1) - t > wait_ns_) {
        flush(out, in);
        drop_leading(true);
        continue;
      }
      break;
    }
    if (std::llabs(other.time(0) - t) > period_ns_) {
      flush(out, in);
      drop_leading(true);
      continue;
    }
    if (pending_frames_ == 0) {
      pending_first_ = lead.frame_index(0);
      pending_t0_ = t;
    } else if (lead.frame_index(0) != pending_first_ + pending_frames_) {
      flush(out, in);  // the leading stream skipped frames: start a new packet
      gap_ = true;
      continue;
    }
    float* row = &pending_[std::size_t{pending_frames_} * out_channels];
    const bool lead_first = lead_ == 0;
    std::copy_n(lead_first ? lead.frame(0) : other.frame(0), lead_first ? lead.channels : other.channels, row);
    std::copy_n(lead_first ? other.frame(0) : lead.frame(0), lead_first ? other.channels : lead.channels,
                row + (lead_first ? lead.channels : other.channels));
    ++pending_frames_;
    lead.pop();
    if (pending_frames_ == max_frames_) flush(out, in);
  }
  flush(out, in);
}

void align_and_zip::flush(eegd::emitter& out, const eegd::packet& in) noexcept {
  if (pending_frames_ == 0) return;
  // make(), not derive(): the header describes the leading stream, whichever input just arrived.
  packet_builder b = out.make(pending_frames_);
  packet_header& h = b.header();
  h.first_frame = pending_first_;
  h.t0_ns = pending_t0_;
  h.emitted_ns = in.header().emitted_ns;
  if (gap_) h.flags |= packet_flags::gap;
  gap_ = false;
  std::copy_n(pending_.data(), b.values().size(), b.values().data());
  pending_frames_ = 0;
  out.emit(std::move(b));
}

void align_and_zip::finish(eegd::emitter&) {
  // Leading frames still waiting for a partner at the end of the run never get one.
  unmatched_.fetch_add(port_[lead_].size, std::memory_order_relaxed);
  port_[lead_].size = 0;
}

void align_and_zip::report_status(eegd::status_writer& out) const {
  out.number("unmatched_frames", static_cast<double>(unmatched_.load(std::memory_order_relaxed)), "frames");
}

}  // namespace eegd::stages
