#pragma once

// Writes EDF+ (16-bit) or BDF+ (24-bit) files that are valid at every moment:
// the header goes out first with the record count -1 ("unknown", as EDF+
// allows while a file is being written), each data record is handed to the
// kernel with one write() as soon as it is complete, data is fsynced at a
// configurable interval, and close() writes the real record count. A process
// killed at any point leaves a file readers open (they count records from the
// file size), missing at most the record being filled.

#include <cstdint>
#include <deque>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "eegd/result.hpp"
#include "formats/edf_header.hpp"
#include "formats/tal.hpp"

namespace eegd::formats {

struct edf_channel {
  std::string label;
  std::string unit = "uV";
  std::string transducer;
  std::string prefilter;
  double physical_min = 0.0;
  double physical_max = 0.0;
  std::int32_t digital_min = 0;  // 0/0: the format's full range
  std::int32_t digital_max = 0;
};

struct edf_writer_options {
  edf_kind kind = edf_kind::bdf;
  double rate_hz = 0.0;
  double record_seconds = 0.0;  // 0: the shortest of 0.25, 0.5, 1 s that holds whole samples
  std::vector<edf_channel> channels;
  std::string patient = "X X X X";
  std::string recording;                 // empty: "Startdate dd-MMM-yyyy X X eegd"
  std::int64_t start_unix_ns = 0;         // wall time of the first frame
  double fsync_seconds = 1.0;             // 0: after every record; negative: never (the OS decides)
  std::size_t annotation_bytes = 256;     // per record; markers that do not fit move to later records
  double max_gap_fill_seconds = 60.0;     // longer gaps are annotated but not filled
};

// Chooses a record duration (0.25, 0.5 or 1 s) that holds a whole number of
// samples at `rate_hz`; an error when none does.
result<double> choose_record_seconds(double rate_hz, double wanted);

class edf_writer {
 public:
  static result<std::unique_ptr<edf_writer>> create(const std::string& path, edf_writer_options o);
  ~edf_writer();
  edf_writer(const edf_writer&) = delete;
  edf_writer& operator=(const edf_writer&) = delete;

  // Appends frames of physical values, interleaved with the channel innermost.
  // Values outside a channel's physical range are clipped and counted.
  status write_physical(std::span<const float> values, std::size_t frames);
  // Appends frames of digital values (e.g. ADC counts whose range the channel
  // declares); out-of-range values are clipped and counted.
  status write_digital(std::span<const std::int32_t> values, std::size_t frames);
  // Frames that never arrived: filled with zeros (up to max_gap_fill_seconds,
  // so later data keeps its true time) and annotated with their extent.
  status write_gap(std::uint64_t frames);
  // An annotation at `onset_s` seconds after the first frame.
  void annotate(double onset_s, double duration_s, std::string text);
  // Moves the header's start time (and the time keeping) to the wall time of
  // the first frame, once known; only before the first record is written.
  status set_start_time(std::int64_t unix_ns);
  // Pads the last record, writes the record count, fsyncs and closes. After
  // an error it still leaves the file valid up to its last complete record.
  status close();

  double rate_hz() const { return o_.rate_hz; }
  double record_seconds() const { return o_.record_seconds; }
  double seconds_written() const { return static_cast<double>(frames_) / o_.rate_hz; }
  std::uint64_t frames() const { return frames_; }
  std::uint64_t records() const { return records_; }
  std::uint64_t bytes() const { return bytes_; }
  std::uint64_t clipped() const { return clipped_; }
  std::uint64_t gap_frames() const { return gap_frames_; }
  const edf_header& header() const { return header_; }
  const std::string& path() const { return path_; }
  // The first write error (empty while none); the writer refuses data after it.
  const std::string& failure() const { return failure_; }

 private:
  edf_writer() = default;
  status put_frame_digital(const std::int32_t* frame);
  status complete_record();
  status fail(const std::string& what, int err);
  status write_records_field(std::int64_t count);
  void apply_start_time(std::int64_t unix_ns);

  edf_writer_options o_;
  edf_header header_;
  std::string path_;
  int fd_ = -1;
  std::size_t channels_ = 0;
  std::size_t samples_per_record_ = 0;
  std::vector<double> gain_, offset_;                  // digital = (physical - offset) / gain
  std::vector<std::int32_t> dmin_, dmax_, zero_;     // per channel; zero_: digital value of 0 physical
  std::vector<std::int32_t> record_;                 // channel-major, one record
  std::size_t filled_ = 0;                           // frames in record_
  std::vector<std::int32_t> frame_;                  // scratch for one frame
  std::string bytes_buf_;                            // one encoded record
  std::string tal_buf_;
  std::deque<annotation> pending_;
  double onset_offset_s_ = 0.0;  // sub-second part of the start time (EDF+ time keeping)
  std::uint64_t frames_ = 0, records_ = 0, bytes_ = 0, clipped_ = 0, gap_frames_ = 0;
  std::int64_t last_sync_ns_ = 0;
  std::string failure_;
};

}  // namespace eegd::formats
