#include "formats/tal.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace eegd::formats {
namespace {

constexpr char tal_sep = '\x14';
constexpr char dur_sep = '\x15';

std::string format_decimal(double v) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.7f", v);
  std::string s = buf;
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

bool parse_number(std::string_view s, bool signed_required, double& out) {
  if (s.empty()) return false;
  if (signed_required && s.front() != '+' && s.front() != '-') return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (!((c >= '0' && c <= '9') || c == '.' || (i == 0 && (c == '+' || c == '-')))) return false;
  }
  const std::string copy(s);
  char* end = nullptr;
  out = std::strtod(copy.c_str(), &end);
  return end == copy.c_str() + copy.size() && std::isfinite(out);
}

}  // namespace

std::string format_onset(double seconds) {
  const std::string s = format_decimal(seconds);
  return s.front() == '-' ? s : "+" + s;
}

std::string tal_safe(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 32) c = ' ';
  return out;
}

void append_timekeeping_tal(std::string& out, double record_onset_s) {
  out += format_onset(record_onset_s);
  out += tal_sep;
  out += tal_sep;
  out += '\0';
}

void append_tal(std::string& out, const annotation& a) {
  out += format_onset(a.onset_s);
  if (a.duration_s >= 0) {
    out += dur_sep;
    out += format_decimal(a.duration_s);
  }
  out += tal_sep;
  out += tal_safe(a.text);
  out += tal_sep;
  out += '\0';
}

std::size_t tal_size(const annotation& a) {
  std::string s;
  append_tal(s, a);
  return s.size();
}

result<record_annotations> parse_tals(std::string_view bytes) {
  record_annotations out;
  bool first = true;
  std::size_t pos = 0;
  auto fail = [&](std::size_t at, const std::string& what) {
    return error{"annotation bytes at offset " + std::to_string(at) + ": " + what, {}};
  };
  while (pos < bytes.size() && bytes[pos] != '\0') {
    const std::size_t start = pos;
    const std::size_t end = bytes.find('\0', pos);
    if (end == std::string_view::npos) return fail(start, "a TAL without its terminating zero byte");
    const std::string_view tal = bytes.substr(pos, end - pos);
    pos = end + 1;
    const std::size_t sep = tal.find(tal_sep);
    if (sep == std::string_view::npos || tal.back() != tal_sep) return fail(start, "a TAL must end with byte 20 before its zero");
    const std::string_view stamp = tal.substr(0, sep);
    const std::size_t dur = stamp.find(dur_sep);
    double onset = 0, duration = -1;
    if (!parse_number(stamp.substr(0, dur), true, onset)) return fail(start, "onset is not '+seconds'");
    if (dur != std::string_view::npos && !parse_number(stamp.substr(dur + 1), false, duration))
      return fail(start + dur + 1, "duration is not a number");
    // The texts between the separators; the last separator closes the list.
    const std::string_view texts = sep + 1 == tal.size() ? std::string_view{} : tal.substr(sep + 1, tal.size() - sep - 2);
    if (first) out.record_onset_s = onset;
    std::size_t t = 0;
    while (t <= texts.size()) {
      const std::size_t next = texts.find(tal_sep, t);
      const std::string_view text = texts.substr(t, next == std::string_view::npos ? std::string_view::npos : next - t);
      if (!text.empty()) out.annotations.push_back({onset, duration, std::string(text)});
      if (next == std::string_view::npos) break;
      t = next + 1;
    }
    first = false;
  }
  if (first && !bytes.empty()) return fail(0, "no time-keeping TAL at the start of the record");
  return out;
}

}  // namespace eegd::formats
