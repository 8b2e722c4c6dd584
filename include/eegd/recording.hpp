#pragma once

// How the daemon starts and stops recordings without knowing any stage: a
// recorder stage attaches itself to the build context's recorder_registry
// (the daemon's session manager) when it is built and detaches when it is
// destroyed. The session manager then drives it through recorder_handle from
// its own thread.

#include <cstdint>
#include <string>
#include <string_view>

#include "eegd/result.hpp"

namespace eegd {

// What a session asks a recorder to write.
struct recording_request {
  std::string path;         // the data file to create; its folder exists
  std::string participant;  // the EDF+ patient code (already safe for a header)
};

// A recorder's figures, read from any thread.
struct recording_figures {
  bool active = false;
  std::uint64_t frames = 0;      // frames written (gap fill included)
  std::uint64_t records = 0;     // complete data records on disk
  std::uint64_t bytes = 0;       // file size
  std::uint64_t clipped = 0;     // samples clipped to the physical range
  std::uint64_t gap_frames = 0;  // frames that never arrived
  double seconds = 0.0;          // frames / rate
  double rate_hz = 0.0;
  std::string error;  // why the last recording stopped on its own (a full disk...)
};

class recorder_handle {
 public:
  // File extension and format: "bdf" or "edf".
  virtual std::string_view format() const = 0;
  // Opens the file and starts writing from the next packet.
  virtual status start(const recording_request& request) = 0;
  // Writes what is buffered, the record count, and closes. Idempotent.
  virtual void stop() = 0;
  // An annotation at the frame being recorded now.
  virtual status mark(std::string_view text) = 0;
  virtual recording_figures figures() const = 0;

 protected:
  ~recorder_handle() = default;
};

class recorder_registry {
 public:
  // `stage` names the recorder in messages. Called while the pipeline is built.
  virtual void attach(std::string_view stage, recorder_handle& recorder) = 0;
  // Called from the recorder's destructor; after it returns the handle is never used again.
  virtual void detach(recorder_handle& recorder) noexcept = 0;

 protected:
  ~recorder_registry() = default;
};

}  // namespace eegd
