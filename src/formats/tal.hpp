#pragma once

// EDF+ annotations: Time-stamped Annotation Lists (TALs) in the "EDF Annotations"
// / "BDF Annotations" signal. Each record's annotation bytes begin with a
// time-keeping TAL ("+<onset>\x14\x14\0") giving the record's start, followed
// by TALs "+<onset>[\x15<duration>]\x14<text>\x14\0", then zero padding.

#include <string>
#include <string_view>
#include <vector>

#include "eegd/result.hpp"

namespace eegd::formats {

struct annotation {
  double onset_s = 0.0;      // seconds from the file's start time
  double duration_s = -1.0;  // negative: none given
  std::string text;
};

// "+12.25": onsets as EDF+ wants them, without exponents, at most 7 decimals.
std::string format_onset(double seconds);
// Control bytes that would break the TAL structure become spaces.
std::string tal_safe(std::string_view text);

void append_timekeeping_tal(std::string& out, double record_onset_s);
void append_tal(std::string& out, const annotation& a);
// Bytes one TAL for `a` takes.
std::size_t tal_size(const annotation& a);

struct record_annotations {
  double record_onset_s = 0.0;
  std::vector<annotation> annotations;
};
// Parses one record's annotation bytes. Errors name the byte offset within them.
result<record_annotations> parse_tals(std::string_view bytes);

}  // namespace eegd::formats
