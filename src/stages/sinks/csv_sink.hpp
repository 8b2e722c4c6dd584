#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "eegd/stage.hpp"

namespace eegd::stages {

// Writes frames as CSV: a header row with channel names, then one row per frame
// with its index and Unix time in seconds (microsecond resolution), optionally
// an ISO-8601 UTC timestamp. Voltage is written in uV, raw counts as integers
// (columns <name>_counts when both are written). The optional marker column
// says where frames were lost: "gap:N" on the first frame after N missing
// frames, "gap" when the source flagged a gap it could not size; and holds the
// stream's events (a replayed file's annotations) on the frame whose period
// holds their onset. Several in one cell are separated by ';'.
struct csv_sink final : eegd::sink<csv_sink> {
  std::string path_;
  std::int64_t precision_ = 7;
  bool timestamp_ = false;
  bool voltage_ = true;
  bool raw_ = true;
  bool markers_ = false;

  static constexpr auto params = eegd::param_list(
      eegd::param<&csv_sink::path_>("path").required().doc("output file (relative to the pipeline file)"),
      eegd::param<&csv_sink::precision_>("precision").range(1, 9).doc("significant digits for voltage"),
      eegd::param<&csv_sink::timestamp_>("timestamp").doc("add a 'timestamp' column: ISO-8601 UTC with microseconds"),
      eegd::param<&csv_sink::voltage_>("voltage").doc("write voltage columns when the input carries voltage"),
      eegd::param<&csv_sink::raw_>("raw").doc("write raw ADC count columns when the input carries counts"),
      eegd::param<&csv_sink::markers_>("markers").doc("add a 'marker' column with lost frames and the stream's annotations"));

  eegd::status build(eegd::build_context& ctx);
  eegd::flow process(const eegd::packet_ref& in) noexcept;
  void finish();
  std::string_view last_error() const { return error_; }

 private:
  bool flush() noexcept;
  void put_timestamp(std::int64_t t_ns);

  struct file_closer {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  std::unique_ptr<std::FILE, file_closer> file_;
  std::string resolved_;
  fmt::memory_buffer buffer_;
  bool write_values_ = false, write_counts_ = false;
  std::int64_t cached_second_ = -1;
  char second_text_[24] = {};  // "YYYY-mm-ddTHH:MM:SS" of cached_second_
  std::uint64_t next_frame_ = 0;
  bool first_packet_ = true;
  std::shared_ptr<event_track> events_;
  std::uint64_t next_event_ = 0;
  std::vector<stream_event> event_buf_;
  std::string error_;
};

}  // namespace eegd::stages
