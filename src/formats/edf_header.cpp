#include "formats/edf_header.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace eegd::formats {
namespace {

// Bounds that keep a hostile header from asking for absurd allocations.
constexpr std::size_t max_signals = 4096;
constexpr std::int32_t max_samples_per_record = 1 << 22;
constexpr std::size_t max_record_bytes = std::size_t{256} << 20;

// Where each per-signal field starts, as a multiple of the signal count, and its width.
struct signal_field {
  const char* name;
  std::size_t base;  // offset = 256 + base * ns + index * width
  std::size_t width;
};
constexpr signal_field f_label{"label", 0, 16};
constexpr signal_field f_transducer{"transducer type", 16, 80};
constexpr signal_field f_dimension{"physical dimension", 96, 8};
constexpr signal_field f_pmin{"physical minimum", 104, 8};
constexpr signal_field f_pmax{"physical maximum", 112, 8};
constexpr signal_field f_dmin{"digital minimum", 120, 8};
constexpr signal_field f_dmax{"digital maximum", 128, 8};
constexpr signal_field f_prefilter{"prefiltering", 136, 80};
constexpr signal_field f_samples{"number of samples in each data record", 216, 8};
constexpr signal_field f_reserved{"signal reserved", 224, 32};

std::size_t offset_of(const signal_field& f, std::size_t ns, std::size_t i) { return 256 + f.base * ns + i * f.width; }

error field_error(std::string_view field, std::size_t offset, std::string_view what) {
  return error{"header field '" + std::string(field) + "' at byte " + std::to_string(offset) + ": " + std::string(what),
               std::string(field)};
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  return s;
}

std::string quoted(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 32 && u < 127) out += c;
    else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    }
  }
  return out + "'";
}

// Header text is printable ASCII (EDF) or, in files from the wild, Latin-1:
// control characters are what a truncated or binary file shows.
bool printable(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) >= 32; });
}

class field_reader {
 public:
  explicit field_reader(std::span<const char> b) : b_(b) {}

  result<std::string> text(std::string_view field, std::size_t offset, std::size_t width) const {
    std::string_view s(b_.data() + offset, width);
    if (!printable(s)) return field_error(field, offset, "contains control characters: " + quoted(s));
    return std::string(trim(s));
  }
  result<std::int64_t> integer(std::string_view field, std::size_t offset, std::size_t width) const {
    const std::string_view s = trim(std::string_view(b_.data() + offset, width));
    std::int64_t v = 0;
    const char* first = s.data();
    if (!s.empty() && s.front() == '+') ++first;
    const auto [end, ec] = std::from_chars(first, s.data() + s.size(), v);
    if (s.empty() || ec != std::errc{} || end != s.data() + s.size())
      return field_error(field, offset, "expected an integer, got " + quoted(std::string_view(b_.data() + offset, width)));
    return v;
  }
  result<double> number(std::string_view field, std::size_t offset, std::size_t width) const {
    const std::string s(trim(std::string_view(b_.data() + offset, width)));
    char* end = nullptr;
    const double v = s.empty() ? 0.0 : std::strtod(s.c_str(), &end);
    if (s.empty() || end != s.c_str() + s.size() || !std::isfinite(v) ||
        s.find_first_not_of("0123456789+-.eE") != std::string::npos)
      return field_error(field, offset, "expected a number, got " + quoted(std::string_view(b_.data() + offset, width)));
    return v;
  }

 private:
  std::span<const char> b_;
};

// dd.mm.yy or hh.mm.ss
bool parse_triplet(std::string_view s, int& a, int& b, int& c) {
  if (s.size() != 8 || s[2] != '.' || s[5] != '.') return false;
  auto two = [&](std::size_t at, int& out) {
    if (s[at] < '0' || s[at] > '9' || s[at + 1] < '0' || s[at + 1] > '9') return false;
    out = (s[at] - '0') * 10 + (s[at + 1] - '0');
    return true;
  };
  return two(0, a) && two(3, b) && two(6, c);
}

void put(std::string& out, std::size_t offset, std::string_view s) { out.replace(offset, s.size(), s); }

}  // namespace

std::size_t edf_header::record_bytes() const {
  std::size_t n = 0;
  for (const auto& s : signals) n += static_cast<std::size_t>(s.samples_per_record) * bytes_per_sample();
  return n;
}

std::size_t edf_header::annotation_index() const {
  for (std::size_t i = 0; i < signals.size(); ++i)
    if (signals[i].is_annotation()) return i;
  return signals.size();
}

result<std::string> format_field_number(double v, std::size_t width) {
  if (!std::isfinite(v)) return error{"not a finite number", {}};
  char buf[64];
  // Integers as integers; otherwise the most decimals that still fit.
  if (v == std::trunc(v) && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
    if (std::strlen(buf) <= width) return std::string(buf);
  }
  for (int decimals = static_cast<int>(width); decimals >= 0; --decimals) {
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    std::string s = buf;
    if (s.find('.') != std::string::npos) {
      while (s.back() == '0') s.pop_back();
      if (s.back() == '.') s.pop_back();
    }
    if (s == "-0") s = "0";
    if (s.size() <= width) return s;
  }
  std::snprintf(buf, sizeof buf, "%g", v);
  return error{std::string(buf) + " does not fit in " + std::to_string(width) + " characters", {}};
}

result<std::string> encode_header(const edf_header& h) {
  const std::size_t ns = h.signals.size();
  if (ns == 0 || ns > max_signals) return error{"a header needs 1.." + std::to_string(max_signals) + " signals", {}};
  std::string out(h.header_bytes(), ' ');
  auto text = [&](std::string_view field, std::size_t offset, std::size_t width, std::string_view s) -> status {
    if (s.size() > width)
      return error{"header field '" + std::string(field) + "' is longer than " + std::to_string(width) + " characters: " +
                   quoted(s), std::string(field)};
    if (!std::all_of(s.begin(), s.end(), [](char c) { return c >= 32 && c < 127; }))
      return error{"header field '" + std::string(field) + "' must be printable ASCII: " + quoted(s), std::string(field)};
    put(out, offset, s);
    return ok();
  };
  auto number = [&](std::string_view field, std::size_t offset, double v) -> status {
    auto s = format_field_number(v);
    if (!s) return error{"header field '" + std::string(field) + "': " + s.err().message, std::string(field)};
    return text(field, offset, 8, *s);
  };
  if (h.kind == edf_kind::bdf) {
    out[0] = static_cast<char>(0xFF);
    put(out, 1, "BIOSEMI");
  } else {
    put(out, 0, "0");
  }
  char date[16], time[16];
  std::snprintf(date, sizeof date, "%02d.%02d.%02d", h.start.day % 100, h.start.month % 100, h.start.year % 100);
  std::snprintf(time, sizeof time, "%02d.%02d.%02d", h.start.hour % 100, h.start.minute % 100, h.start.second % 100);
  status s = text("patient", 8, 80, h.patient);
  if (s) s = text("recording", 88, 80, h.recording);
  if (s) s = text("startdate", 168, 8, date);
  if (s) s = text("starttime", 176, 8, time);
  if (s) s = number("number of bytes in header", 184, static_cast<double>(h.header_bytes()));
  if (s) s = text("reserved", 192, 44, h.reserved);
  if (s) s = number("number of data records", 236, static_cast<double>(h.records));
  if (s) s = number("duration of a data record", 244, h.record_seconds);
  if (s) s = text("number of signals", 252, 4, std::to_string(ns));
  for (std::size_t i = 0; i < ns && s; ++i) {
    const edf_signal& g = h.signals[i];
    s = text(f_label.name, offset_of(f_label, ns, i), 16, g.label);
    if (s) s = text(f_transducer.name, offset_of(f_transducer, ns, i), 80, g.transducer);
    if (s) s = text(f_dimension.name, offset_of(f_dimension, ns, i), 8, g.physical_dimension);
    if (s) s = number(f_pmin.name, offset_of(f_pmin, ns, i), g.physical_min);
    if (s) s = number(f_pmax.name, offset_of(f_pmax, ns, i), g.physical_max);
    if (s) s = number(f_dmin.name, offset_of(f_dmin, ns, i), g.digital_min);
    if (s) s = number(f_dmax.name, offset_of(f_dmax, ns, i), g.digital_max);
    if (s) s = text(f_prefilter.name, offset_of(f_prefilter, ns, i), 80, g.prefilter);
    if (s) s = number(f_samples.name, offset_of(f_samples, ns, i), g.samples_per_record);
    if (s) s = text(f_reserved.name, offset_of(f_reserved, ns, i), 32, g.reserved);
  }
  if (!s) return s.err();
  return out;
}

result<std::size_t> header_size(std::span<const char> b) {
  if (b.size() < 256) return error{"the file is shorter than the 256-byte EDF/BDF header (" + std::to_string(b.size()) + " bytes)", {}};
  const std::string_view version(b.data(), 8);
  if (!(static_cast<unsigned char>(version[0]) == 0xFF && version.substr(1) == "BIOSEMI") && trim(version) != "0")
    return field_error("version", 0, "expected '0' (EDF) or 0xFF 'BIOSEMI' (BDF), got " + quoted(version));
  field_reader r(b);
  auto ns = r.integer("number of signals", 252, 4);
  if (!ns) return ns.err();
  if (*ns < 1 || static_cast<std::size_t>(*ns) > max_signals)
    return field_error("number of signals", 252, "must be 1.." + std::to_string(max_signals) + ", got " + std::to_string(*ns));
  return 256 * (static_cast<std::size_t>(*ns) + 1);
}

result<edf_header> parse_header(std::span<const char> b) {
  auto size = header_size(b);
  if (!size) return size.err();
  if (b.size() < *size)
    return error{"the header declares " + std::to_string(*size) + " bytes but the file has only " + std::to_string(b.size()), {}};
  field_reader r(b);
  edf_header h;
  const std::string_view version(b.data(), 8);
  if (static_cast<unsigned char>(version[0]) == 0xFF && version.substr(1) == "BIOSEMI") {
    h.kind = edf_kind::bdf;
  } else if (trim(version) == "0") {
    h.kind = edf_kind::edf;
  } else {
    return field_error("version", 0, "expected '0' (EDF) or 0xFF 'BIOSEMI' (BDF), got " + quoted(version));
  }
  auto patient = r.text("patient", 8, 80);
  if (!patient) return patient.err();
  h.patient = *patient;
  auto recording = r.text("recording", 88, 80);
  if (!recording) return recording.err();
  h.recording = *recording;
  int yy = 0;
  if (!parse_triplet(std::string_view(b.data() + 168, 8), h.start.day, h.start.month, yy) || h.start.month < 1 ||
      h.start.month > 12 || h.start.day < 1 || h.start.day > 31)
    return field_error("startdate", 168, "expected dd.mm.yy, got " + quoted(std::string_view(b.data() + 168, 8)));
  h.start.year = yy >= 85 ? 1900 + yy : 2000 + yy;  // the EDF spec's clipping date
  if (!parse_triplet(std::string_view(b.data() + 176, 8), h.start.hour, h.start.minute, h.start.second) ||
      h.start.hour > 23 || h.start.minute > 59 || h.start.second > 60)
    return field_error("starttime", 176, "expected hh.mm.ss, got " + quoted(std::string_view(b.data() + 176, 8)));
  auto hb = r.integer("number of bytes in header", 184, 8);
  if (!hb) return hb.err();
  if (*hb < 0 || static_cast<std::size_t>(*hb) != *size)
    return field_error("number of bytes in header", 184,
                       "says " + std::to_string(*hb) + " but the signal count implies " + std::to_string(*size));
  auto reserved = r.text("reserved", 192, 44);
  if (!reserved) return reserved.err();
  h.reserved = *reserved;
  auto records = r.integer("number of data records", 236, 8);
  if (!records) return records.err();
  if (*records < -1) return field_error("number of data records", 236, "must be -1 (unknown) or more, got " + std::to_string(*records));
  h.records = *records;
  auto duration = r.number("duration of a data record", 244, 8);
  if (!duration) return duration.err();
  if (*duration < 0) return field_error("duration of a data record", 244, "must not be negative");
  h.record_seconds = *duration;

  const std::size_t ns = (*size / 256) - 1;
  h.signals.resize(ns);
  const std::int32_t lowest = h.kind == edf_kind::bdf ? -8388608 : -32768;
  const std::int32_t highest = h.kind == edf_kind::bdf ? 8388607 : 32767;
  std::size_t record_bytes = 0;
  bool has_data_signal = false;
  for (std::size_t i = 0; i < ns; ++i) {
    edf_signal& g = h.signals[i];
    auto at = [&](const signal_field& f) { return offset_of(f, ns, i); };
    auto label = r.text(f_label.name, at(f_label), 16);
    if (!label) return label.err();
    g.label = *label;
    auto transducer = r.text(f_transducer.name, at(f_transducer), 80);
    if (!transducer) return transducer.err();
    g.transducer = *transducer;
    auto dimension = r.text(f_dimension.name, at(f_dimension), 8);
    if (!dimension) return dimension.err();
    g.physical_dimension = *dimension;
    auto pmin = r.number(f_pmin.name, at(f_pmin), 8);
    if (!pmin) return pmin.err();
    auto pmax = r.number(f_pmax.name, at(f_pmax), 8);
    if (!pmax) return pmax.err();
    auto dmin = r.integer(f_dmin.name, at(f_dmin), 8);
    if (!dmin) return dmin.err();
    auto dmax = r.integer(f_dmax.name, at(f_dmax), 8);
    if (!dmax) return dmax.err();
    auto prefilter = r.text(f_prefilter.name, at(f_prefilter), 80);
    if (!prefilter) return prefilter.err();
    g.prefilter = *prefilter;
    auto samples = r.integer(f_samples.name, at(f_samples), 8);
    if (!samples) return samples.err();
    auto sig_reserved = r.text(f_reserved.name, at(f_reserved), 32);
    if (!sig_reserved) return sig_reserved.err();
    g.reserved = *sig_reserved;
    const std::string which = " (signal " + std::to_string(i + 1) + " '" + g.label + "')";
    if (*dmin < lowest || *dmin > highest)
      return field_error(f_dmin.name, at(f_dmin), "out of the sample range" + which);
    if (*dmax < lowest || *dmax > highest)
      return field_error(f_dmax.name, at(f_dmax), "out of the sample range" + which);
    if (*dmin >= *dmax) return field_error(f_dmax.name, at(f_dmax), "must be above the digital minimum" + which);
    if (*pmin == *pmax) return field_error(f_pmax.name, at(f_pmax), "equals the physical minimum" + which);
    if (*samples < 1 || *samples > max_samples_per_record)
      return field_error(f_samples.name, at(f_samples), "must be 1.." + std::to_string(max_samples_per_record) + which);
    g.physical_min = *pmin;
    g.physical_max = *pmax;
    g.digital_min = static_cast<std::int32_t>(*dmin);
    g.digital_max = static_cast<std::int32_t>(*dmax);
    g.samples_per_record = static_cast<std::int32_t>(*samples);
    record_bytes += static_cast<std::size_t>(*samples) * h.bytes_per_sample();
    if (!g.is_annotation()) has_data_signal = true;
  }
  if (record_bytes > max_record_bytes)
    return error{"a data record would be " + std::to_string(record_bytes) + " bytes, more than this reader accepts", {}};
  if (has_data_signal && !(h.record_seconds > 0))
    return field_error("duration of a data record", 244, "must be above 0 for a file with signals");
  return h;
}

}  // namespace eegd::formats
