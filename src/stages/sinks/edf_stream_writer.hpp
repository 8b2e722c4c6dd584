#pragma once

// What bdf_sink, edf_sink and recorder share: turning a stream into EDF/BDF
// channel definitions (build time) and packets into data records (run time),
// with frame-index gaps written as annotated gaps.

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "eegd/events.hpp"
#include "eegd/recording.hpp"
#include "eegd/stage.hpp"
#include "formats/edf_writer.hpp"

namespace eegd::stages {

struct edf_stream_settings {
  formats::edf_kind kind = formats::edf_kind::bdf;
  double record_seconds = 0.0;
  double fsync_seconds = 1.0;
  double range_uv = 0.0;  // 0: from the sensor's full scale
  std::string transducer;
};

// How a stream goes into a file, decided at build time.
struct edf_plan {
  formats::edf_writer_options options;
  bool counts_as_digital = false;     // BDF from counts: the counts are the digital values
  std::vector<double> uv_per_count;   // to scale counts when the file holds physical values
  std::uint32_t max_frames = 0;
  std::shared_ptr<event_track> events;  // annotations that come with the stream, or null
};

// Validates the input stream and derives the plan (no file yet). Errors name
// the parameter to blame.
result<edf_plan> edf_plan_for(const stream_info& in, const edf_stream_settings& s);

class edf_stream_writer {
 public:
  // Creates the file; allocates everything the data path needs.
  status open(const std::string& path, const edf_plan& plan, std::string patient);
  bool is_open() const { return writer_ != nullptr; }
  // Writes one packet; the first sets the file's start time.
  status write(const packet& p);
  // An annotation at the frame being written now.
  void mark(std::string text);
  status close();
  // Figures as of the last write; safe from any thread.
  recording_figures figures() const;

 private:
  void publish_figures();
  // Annotates the stream's events with onsets before `until_s` (run clock);
  // `packet_start_s` (run clock) is at `file_s` in the file.
  void write_events(double packet_start_s, double file_s, double until_s);

  std::unique_ptr<formats::edf_writer> writer_;
  bool counts_as_digital_ = false;
  std::vector<double> uv_per_count_;
  std::vector<float> scratch_;
  std::optional<std::uint64_t> next_frame_;
  std::shared_ptr<event_track> events_;
  std::uint64_t next_event_ = 0;
  double recording_start_s_ = 0.0;  // run clock of the first frame written
  std::vector<stream_event> event_buf_;
  std::atomic<double> rate_hz_{0.0};  // read by figures() from other threads
  std::atomic<std::uint64_t> frames_{0}, records_{0}, bytes_{0}, clipped_{0}, gap_frames_{0};
};

}  // namespace eegd::stages
