#pragma once

// Reads EDF, EDF+, BDF and BDF+ files: the header (strictly validated), data
// records as digital or physical values, and EDF+ annotations. A file whose
// header says -1 records (a recording cut short) is read up to its last
// complete record.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "eegd/result.hpp"
#include "formats/edf_header.hpp"
#include "formats/tal.hpp"

namespace eegd::formats {

class edf_reader {
 public:
  static result<std::unique_ptr<edf_reader>> open(const std::string& path);
  // Reads from memory (tests, fuzzing); `name` appears in errors.
  static result<std::unique_ptr<edf_reader>> from_bytes(std::string bytes, std::string name = "<memory>");
  ~edf_reader();
  edf_reader(const edf_reader&) = delete;
  edf_reader& operator=(const edf_reader&) = delete;

  const edf_header& header() const { return header_; }
  const std::string& name() const { return name_; }
  // Complete records in the file (the header's count, or what the size holds when it says -1).
  std::int64_t records() const { return records_; }
  // Bytes after the last complete record (a record cut by a crash).
  std::uint64_t trailing_bytes() const { return trailing_; }

  // Reads record `index` into `out`: for each signal, its samples_per_record digital values.
  status read_record(std::int64_t index, std::vector<std::vector<std::int32_t>>& out);
  // The annotation signal's raw bytes of the record last read (empty when there is none).
  std::string_view annotation_bytes() const { return annotation_bytes_; }
  // Every annotation in the file, time-keeping TALs excluded, onsets
  // relative to the first record's onset (as MNE reports them).
  result<std::vector<annotation>> read_annotations();

 private:
  edf_reader() = default;
  status init(std::span<const char> header_bytes);
  status read_at(std::uint64_t offset, std::size_t size, char* out);
  error fail_at(std::uint64_t offset, const std::string& what) const;

  std::string name_;
  int fd_ = -1;
  std::string memory_;
  bool in_memory_ = false;
  std::uint64_t size_ = 0;
  edf_header header_;
  std::int64_t records_ = 0;
  std::uint64_t trailing_ = 0;
  std::string record_buf_;
  std::string annotation_bytes_;
};

}  // namespace eegd::formats
