#include "stages/sinks/csv_sink.hpp"

#include <cerrno>
#include <cstring>

namespace eegd::stages {
namespace {
constexpr std::size_t flush_bytes = 1 << 16;
}

eegd::status csv_sink::build(eegd::build_context& ctx) {
  const stream_info& in = ctx.input();
  resolved_ = ctx.resolve_path(path_);
  buffer_.reserve(flush_bytes * 2);
  if (ctx.dry_run()) return eegd::ok();
  file_.reset(std::fopen(resolved_.c_str(), "w"));
  if (!file_) return eegd::param_error("path", "cannot create '" + resolved_ + "': " + std::strerror(errno));
  auto row = std::back_inserter(buffer_);
  fmt::format_to(row, "frame,time_s");
  const bool values = in.kind != packet_kind::raw_counts;
  const bool counts = in.kind == packet_kind::raw_counts || in.kind == packet_kind::raw_and_voltage;
  if (values)
    for (const auto& name : in.channel_names) fmt::format_to(row, ",{}", name);
  if (counts)
    for (const auto& name : in.channel_names) fmt::format_to(row, ",{}{}", name, values ? "_counts" : "");
  fmt::format_to(row, "\n");
  return flush() ? eegd::ok() : eegd::status(eegd::error{error_, "path"});
}

eegd::flow csv_sink::process(const eegd::packet_ref& in) noexcept {
  const packet_header& h = in->header();
  const auto values = in->values();
  const auto counts = in->counts();
  const std::size_t nch = h.channels;
  const int digits = static_cast<int>(precision_);
  auto row = std::back_inserter(buffer_);
  for (std::uint32_t f = 0; f < h.frames; ++f) {
    const std::int64_t t = h.frame_time_ns(f);
    const std::int64_t us = (t / 1000) % 1'000'000;
    fmt::format_to(row, "{},{}.{:06}", h.first_frame + f, t / 1'000'000'000, us < 0 ? us + 1'000'000 : us);
    for (std::size_t c = 0; c < nch && !values.empty(); ++c) fmt::format_to(row, ",{:.{}g}", values[f * nch + c], digits);
    for (std::size_t c = 0; c < nch && !counts.empty(); ++c) fmt::format_to(row, ",{}", counts[f * nch + c]);
    fmt::format_to(row, "\n");
  }
  if (buffer_.size() >= flush_bytes && !flush()) return eegd::flow::error;
  return eegd::flow::ok;
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
