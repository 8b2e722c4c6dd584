#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "eegd/stage.hpp"

namespace eegd::stages {

// Writes frames as CSV: a header row with channel names, then one row per frame
// with its index and Unix time in seconds (microsecond resolution). Voltage is
// written in uV; raw counts as integers; both when the input carries both.
struct csv_sink final : eegd::sink<csv_sink> {
  std::string path_;
  std::int64_t precision_ = 7;

  static constexpr auto params = eegd::param_list(
      eegd::param<&csv_sink::path_>("path").required().doc("output file (relative to the pipeline file)"),
      eegd::param<&csv_sink::precision_>("precision").range(1, 9).doc("significant digits for voltage"));

  eegd::status build(eegd::build_context& ctx);
  eegd::flow process(const eegd::packet_ref& in) noexcept;
  void finish();
  std::string_view last_error() const { return error_; }

 private:
  bool flush() noexcept;

  struct file_closer {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  std::unique_ptr<std::FILE, file_closer> file_;
  std::string resolved_;
  fmt::memory_buffer buffer_;
  std::string error_;
};

}  // namespace eegd::stages
