#pragma once

// Reads OpenBCI GUI text recordings ("%OpenBCI Raw EXG Data", v5/v6): the
// '%' header lines (channel count, sample rate), the column header row, and
// comma-separated rows (separators ", " or ","). The EXG channels become the
// channels, in microvolts; the 8-bit sample counter reveals lost samples.

#include <cstdint>
#include <string>
#include <vector>

#include "eegd/result.hpp"

namespace eegd::formats {

struct openbci_recording {
  double rate_hz = 0.0;
  std::vector<std::string> channel_names;
  std::vector<float> values;  // uV, interleaved (channel innermost)
  std::size_t frames = 0;
  std::uint64_t counter_gaps = 0;  // rows where the sample counter skipped
  std::int64_t first_timestamp_ms = 0;  // Unix ms of the first row (0 when absent)
  std::string board;
};

result<openbci_recording> read_openbci_text(const std::string& path);
result<openbci_recording> parse_openbci_text(std::string_view text, const std::string& name = "<memory>");

}  // namespace eegd::formats
