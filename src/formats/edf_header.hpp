#pragma once

// The EDF / EDF+ / BDF / BDF+ header: a 256-byte fixed part and 256 bytes per
// signal, every field left-aligned ASCII padded with spaces. This is the model
// both the writer and the reader use, plus its strict encoding and decoding.
//
// References: EDF (Kemp et al. 1992), EDF+ (Kemp & Olivan 2003, edfplus.info),
// BDF (BioSemi: 24-bit samples, first byte 0xFF then "BIOSEMI").

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "eegd/result.hpp"

namespace eegd::formats {

enum class edf_kind : std::uint8_t { edf, bdf };  // 16-bit or 24-bit samples

struct edf_signal {
  std::string label;               // 16 chars
  std::string transducer;          // 80
  std::string physical_dimension;  // 8, e.g. "uV"
  double physical_min = 0.0;
  double physical_max = 0.0;
  std::int32_t digital_min = 0;
  std::int32_t digital_max = 0;
  std::string prefilter;  // 80, e.g. "HP:1Hz LP:40Hz N:60Hz"
  std::int32_t samples_per_record = 0;
  std::string reserved;  // 32

  bool is_annotation() const { return label == "EDF Annotations" || label == "BDF Annotations"; }
  // Physical units per digital step (the "LSB").
  double gain() const {
    return (physical_max - physical_min) / (static_cast<double>(digital_max) - static_cast<double>(digital_min));
  }
  double to_physical(std::int32_t d) const { return physical_min + (static_cast<double>(d) - digital_min) * gain(); }
};

struct edf_start_time {
  int year = 1985, month = 1, day = 1, hour = 0, minute = 0, second = 0;
};

struct edf_header {
  edf_kind kind = edf_kind::edf;
  std::string patient;    // 80; EDF+: "code sex birthdate name"
  std::string recording;  // 80; EDF+: "Startdate dd-MMM-yyyy admincode technician equipment"
  edf_start_time start;
  std::string reserved;        // 44; "EDF+C", "BDF+C", "24BIT" or blank
  std::int64_t records = -1;   // -1 while a file is still being written
  double record_seconds = 1.0;
  std::vector<edf_signal> signals;

  bool plus() const { return reserved.starts_with("EDF+") || reserved.starts_with("BDF+"); }
  std::size_t bytes_per_sample() const { return kind == edf_kind::bdf ? 3 : 2; }
  std::size_t header_bytes() const { return 256 * (1 + signals.size()); }
  std::size_t record_bytes() const;
  // Index of the first annotation signal, or signals.size().
  std::size_t annotation_index() const;
};

// Byte offset of the record-count field, rewritten when a recording closes.
inline constexpr std::size_t records_field_offset = 236;

// The header as bytes (exactly header_bytes() long). Fields that do not fit
// their width are an error naming the field.
result<std::string> encode_header(const edf_header& h);
// A number as the text of an 8-character field: as precise as fits.
result<std::string> format_field_number(double v, std::size_t width = 8);

// Parses and validates a header. `bytes` must hold at least the whole header
// (read 256 bytes, then header_bytes() once the signal count is known). Errors
// name the field and its byte offset.
result<edf_header> parse_header(std::span<const char> bytes);
// How many bytes the header has, from its first 256 bytes.
result<std::size_t> header_size(std::span<const char> first256);

}  // namespace eegd::formats
