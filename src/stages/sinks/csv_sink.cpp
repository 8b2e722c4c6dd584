#include "stages/sinks/csv_sink.hpp"

#include <cerrno>
#include <cstring>
#include <cmath>
#include <ctime>

namespace eegd::stages {
namespace {
constexpr std::size_t flush_bytes = 1 << 16;

std::uint64_t event_frame(const stream_event& e, const packet_header& h) {
  const double frame = std::floor(e.onset_s * h.rate_hz);
  return frame > 0 ? static_cast<std::uint64_t>(frame) : 0;
}

// A marker cell holds no separators, quotes or line breaks.
std::string csv_safe(std::string text) {
  for (char& c : text)
    if (c == ',' || c == ';' || c == '"' || c == '\n' || c == '\r') c = ' ';
  return text;
}
}

eegd::status csv_sink::build(eegd::build_context& ctx) {
  const stream_info& in = ctx.input();
  const bool has_values = in.kind != packet_kind::raw_counts;
  const bool has_counts = in.kind == packet_kind::raw_counts || in.kind == packet_kind::raw_and_voltage;
  write_values_ = has_values && voltage_;
  write_counts_ = has_counts && raw_;
  if (!write_values_ && !write_counts_)
    return eegd::param_error(has_values ? "voltage" : "raw", std::string("leaves nothing to write: the input carries ") +
                                                                 to_string(in.kind));
  resolved_ = ctx.resolve_path(path_);
  buffer_.reserve(flush_bytes * 2);
  if (markers_) events_ = in.events;
  if (ctx.dry_run()) return eegd::ok();
  file_.reset(std::fopen(resolved_.c_str(), "w"));
  if (!file_) return eegd::param_error("path", "cannot create '" + resolved_ + "': " + std::strerror(errno));
  auto row = std::back_inserter(buffer_);
  fmt::format_to(row, "frame,time_s");
  if (timestamp_) fmt::format_to(row, ",timestamp");
  if (write_values_)
    for (const auto& name : in.channel_names) fmt::format_to(row, ",{}", name);
  if (write_counts_)
    for (const auto& name : in.channel_names) fmt::format_to(row, ",{}{}", name, write_values_ ? "_counts" : "");
  if (markers_) fmt::format_to(row, ",marker");
  fmt::format_to(row, "\n");
  return flush() ? eegd::ok() : eegd::status(eegd::error{error_, "path"});
}

eegd::flow csv_sink::process(const eegd::packet_ref& in) noexcept {
  const packet_header& h = in->header();
  const auto values = write_values_ ? in->values() : std::span<const float>{};
  const auto counts = write_counts_ ? in->counts() : std::span<const std::int32_t>{};
  std::uint64_t lost = 0;
  if (!first_packet_ && h.first_frame > next_frame_) lost = h.first_frame - next_frame_;
  const bool flagged = h.has_gap() && !first_packet_;
  first_packet_ = false;
  next_frame_ = h.first_frame + h.frames;
  const std::size_t nch = h.channels;
  const int digits = static_cast<int>(precision_);
  event_buf_.clear();
  if (events_) next_event_ = events_->read(next_event_, static_cast<double>(next_frame_) / h.rate_hz, event_buf_).next;
  std::size_t event_index = 0;
  auto row = std::back_inserter(buffer_);
  for (std::uint32_t f = 0; f < h.frames; ++f) {
    const std::int64_t t = h.frame_time_ns(f);
    const std::int64_t us = (t / 1000) % 1'000'000;
    fmt::format_to(row, "{},{}.{:06}", h.first_frame + f, t / 1'000'000'000, us < 0 ? us + 1'000'000 : us);
    if (timestamp_) put_timestamp(t);
    for (std::size_t c = 0; c < nch && !values.empty(); ++c) fmt::format_to(row, ",{:.{}g}", values[f * nch + c], digits);
    for (std::size_t c = 0; c < nch && !counts.empty(); ++c) fmt::format_to(row, ",{}", counts[f * nch + c]);
    if (markers_) {
      fmt::format_to(row, ",");
      const char* separator = "";
      if (f == 0 && (lost > 0 || flagged)) {
        if (lost > 0) fmt::format_to(row, "gap:{}", lost);
        else fmt::format_to(row, "gap");
        separator = ";";
      }
      // Stream events go on the frame whose period holds their onset (MNE's
      // time_as_index); rounding never pushes one past this packet.
      const bool last_frame = f + 1 == h.frames;
      for (; event_index < event_buf_.size() &&
             (last_frame || event_frame(event_buf_[event_index], h) <= h.first_frame + f);
           ++event_index) {
        fmt::format_to(row, "{}{}", separator, csv_safe(event_buf_[event_index].text));
        separator = ";";
      }
    }
    fmt::format_to(row, "\n");
  }
  if (buffer_.size() >= flush_bytes && !flush()) return eegd::flow::error;
  return eegd::flow::ok;
}

void csv_sink::put_timestamp(std::int64_t t_ns) {
  // gmtime once per second of data, not per frame.
  std::int64_t second = t_ns / 1'000'000'000;
  std::int64_t us = (t_ns / 1000) % 1'000'000;
  if (us < 0) us += 1'000'000, --second;
  if (second != cached_second_) {
    const auto tt = static_cast<std::time_t>(second);
    std::tm tm{};
    ::gmtime_r(&tt, &tm);
    std::strftime(second_text_, sizeof second_text_, "%Y-%m-%dT%H:%M:%S", &tm);
    cached_second_ = second;
  }
  fmt::format_to(std::back_inserter(buffer_), ",{}.{:06}Z", second_text_, us);
}

bool csv_sink::flush() noexcept {
  if (!file_ || buffer_.size() == 0) return true;
  const std::size_t size = buffer_.size();
  const std::size_t written = std::fwrite(buffer_.data(), 1, size, file_.get());
  buffer_.clear();
  if (written != size || std::ferror(file_.get())) {
    error_ = "writing '" + resolved_ + "' failed: " + std::strerror(errno);
    return false;
  }
  return true;
}

void csv_sink::finish() {
  flush();
  if (file_) std::fflush(file_.get());
  file_.reset();
}

}  // namespace eegd::stages
