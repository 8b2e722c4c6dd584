#include "stages/sinks/edf_stream_writer.hpp"

#include <algorithm>
#include <cmath>

namespace eegd::stages {
namespace {

std::string fit(std::string s, std::size_t n) {
  if (s.size() > n) s.resize(n);
  for (char& c : s)
    if (c < 32 || c > 126) c = '_';
  return s;
}

}  // namespace

result<edf_plan> edf_plan_for(const stream_info& in, const edf_stream_settings& s) {
  if (in.kind == packet_kind::derived)
    return param_error("inputs", "records voltage or raw counts; this input carries derived features");
  const bool counts = in.kind == packet_kind::raw_counts;
  if ((counts || (in.kind == packet_kind::raw_and_voltage && s.kind == formats::edf_kind::bdf)) &&
      in.uv_per_count.size() != in.channels)
    return param_error("inputs", "the input carries ADC counts without a scale (uv_per_count) for every channel");
  edf_plan plan;
  formats::edf_writer_options& o = plan.options;
  o.kind = s.kind;
  o.rate_hz = in.rate_hz;
  auto seconds = formats::choose_record_seconds(in.rate_hz, s.record_seconds);
  if (!seconds) return seconds.err();
  o.record_seconds = *seconds;
  o.fsync_seconds = s.fsync_seconds;
  const bool digital_counts = s.kind == formats::edf_kind::bdf && in.kind != packet_kind::voltage;
  plan.counts_as_digital = digital_counts;
  plan.uv_per_count = in.uv_per_count;
  plan.max_frames = in.max_frames;
  plan.events = in.events;
  const int bits = in.sensor && in.sensor->resolution_bits > 0 ? in.sensor->resolution_bits : 24;
  for (std::uint32_t c = 0; c < in.channels; ++c) {
    formats::edf_channel ch;
    ch.label = fit(in.channel_names[c], 16);
    ch.transducer = fit(s.transducer, 80);
    ch.prefilter = fit(in.prefilter, 80);
    const std::string unit = c < in.units.size() ? in.units[c] : "uV";
    ch.unit = fit(unit == "counts" ? "uV" : unit, 8);
    if (digital_counts) {
      // The counts are the digital values: the file keeps every ADC bit.
      ch.digital_min = -8388608;
      ch.digital_max = 8388607;
      ch.physical_min = -8388608.0 * in.uv_per_count[c];
      ch.physical_max = 8388607.0 * in.uv_per_count[c];
    } else {
      double range = s.range_uv;
      if (range <= 0 && c < in.uv_per_count.size() && in.uv_per_count[c] > 0)
        range = in.uv_per_count[c] * std::ldexp(1.0, bits - 1);
      if (range <= 0 && in.sensor && c < in.sensor->uv_per_count.size() && in.sensor->uv_per_count[c] > 0)
        range = in.sensor->uv_per_count[c] * std::ldexp(1.0, (in.sensor->resolution_bits > 0 ? in.sensor->resolution_bits : 24) - 1);
      if (range <= 0)
        return param_error("range_uv", "the input has no sensor scale to take the physical range from: set range_uv");
      ch.physical_min = -range;
      ch.physical_max = range;
    }
    o.channels.push_back(std::move(ch));
  }
  return plan;
}

status edf_stream_writer::open(const std::string& path, const edf_plan& plan, std::string patient) {
  formats::edf_writer_options options = plan.options;
  counts_as_digital_ = plan.counts_as_digital;
  uv_per_count_ = plan.uv_per_count;
  rate_hz_.store(options.rate_hz, std::memory_order_relaxed);
  options.patient = std::move(patient);
  options.start_unix_ns = realtime_ns();
  scratch_.assign(std::size_t{plan.max_frames} * options.channels.size(), 0.0f);
  auto w = formats::edf_writer::create(path, std::move(options));
  if (!w) return w.err();
  writer_ = std::move(*w);
  next_frame_.reset();
  events_ = plan.events;
  // Events still in the track may belong to packets not yet written; those
  // before the first one written are skipped in write_events().
  next_event_ = events_ && events_->posted() > events_->capacity() ? events_->posted() - events_->capacity() : 0;
  publish_figures();
  return ok();
}

status edf_stream_writer::write(const packet& p) {
  if (!writer_) return ok();
  const packet_header& h = p.header();
  const double packet_start_s = static_cast<double>(h.first_frame) / h.rate_hz;
  if (!next_frame_) {
    if (status s = writer_->set_start_time(h.t0_ns); !s) return s;
    recording_start_s_ = packet_start_s;
  } else if (h.first_frame > *next_frame_) {
    if (status s = writer_->write_gap(h.first_frame - *next_frame_); !s) return s;
  } else if (h.first_frame < *next_frame_) {
    writer_->annotate(writer_->seconds_written(), -1,
                      "frame index went back by " + std::to_string(*next_frame_ - h.first_frame) + " (source restarted)");
  } else if (h.has_gap()) {
    writer_->annotate(writer_->seconds_written(), -1, "gap flagged by the source");
  }
  next_frame_ = h.first_frame + h.frames;
  // Before the samples, so that a marker lands in the record holding its onset.
  if (events_) write_events(packet_start_s, writer_->seconds_written(), static_cast<double>(*next_frame_) / h.rate_hz);
  status s;
  if (counts_as_digital_ && !p.counts().empty()) {
    s = writer_->write_digital(p.counts(), h.frames);
  } else if (!p.values().empty()) {
    s = writer_->write_physical(p.values(), h.frames);
  } else {
    // Counts into a file that holds physical values (EDF): scale them here.
    const auto counts = p.counts();
    if (uv_per_count_.size() < h.channels) return error{"counts without a scale", {}};
    const std::size_t nch = h.channels;
    const std::size_t n = std::min(counts.size(), scratch_.size());
    for (std::size_t i = 0; i < n; ++i) scratch_[i] = static_cast<float>(counts[i] * uv_per_count_[i % nch]);
    s = writer_->write_physical(std::span<const float>(scratch_.data(), n), n / nch);
  }
  publish_figures();
  return s;
}

void edf_stream_writer::write_events(double packet_start_s, double file_s, double until_s) {
  event_buf_.clear();
  const auto r = events_->read(next_event_, until_s, event_buf_);
  next_event_ = r.next;
  if (r.missed > 0)
    writer_->annotate(file_s, -1, std::to_string(r.missed) + " stream annotations lost (the recorder fell behind)");
  for (stream_event& e : event_buf_) {
    if (e.onset_s < recording_start_s_) continue;  // before this recording began
    writer_->annotate(std::max(0.0, file_s + (e.onset_s - packet_start_s)), e.duration_s, std::move(e.text));
  }
}

void edf_stream_writer::mark(std::string text) {
  if (writer_) writer_->annotate(writer_->seconds_written(), -1, std::move(text));
}

status edf_stream_writer::close() {
  if (!writer_) return ok();
  status s = writer_->close();
  publish_figures();
  writer_.reset();
  return s;
}

void edf_stream_writer::publish_figures() {
  if (!writer_) return;
  frames_.store(writer_->frames(), std::memory_order_relaxed);
  records_.store(writer_->records(), std::memory_order_relaxed);
  bytes_.store(writer_->bytes(), std::memory_order_relaxed);
  clipped_.store(writer_->clipped(), std::memory_order_relaxed);
  gap_frames_.store(writer_->gap_frames(), std::memory_order_relaxed);
}

recording_figures edf_stream_writer::figures() const {
  recording_figures f;
  f.frames = frames_.load(std::memory_order_relaxed);
  f.records = records_.load(std::memory_order_relaxed);
  f.bytes = bytes_.load(std::memory_order_relaxed);
  f.clipped = clipped_.load(std::memory_order_relaxed);
  f.gap_frames = gap_frames_.load(std::memory_order_relaxed);
  f.rate_hz = rate_hz_.load(std::memory_order_relaxed);
  f.seconds = f.rate_hz > 0 ? static_cast<double>(f.frames) / f.rate_hz : 0.0;
  return f;
}

}  // namespace eegd::stages
