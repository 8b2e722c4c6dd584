#pragma once

// Study sessions: a session is a folder under <state-dir>/sessions/ holding
// the recording written by the pipeline's recorder stage, session_meta.json
// and the pipeline as it ran. Recorder stages attach here when they are built
// (recorder_registry); the REST routes in session_routes.cpp drive the rest.
//
//   <state-dir>/sessions/<YYYYmmdd-HHMMSS>-<participant>/
//       data.bdf | data.edf, session_meta.json, pipeline.yaml

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "daemon/pipeline_control.hpp"
#include "eegd/recording.hpp"

namespace eegd::daemon {

// Letters, digits, '-' and '_' survive; anything else becomes '_'; at most 64
// characters; empty becomes "anonymous". Safe as a folder name and EDF+ code.
std::string sanitize_participant(std::string_view name);

class recording_sessions final : public recorder_registry {
 public:
  recording_sessions(std::string sessions_dir, std::string version);

  void attach(std::string_view stage, recorder_handle& recorder) override;
  void detach(recorder_handle& recorder) noexcept override;

  struct start_request {
    std::string participant;
    std::string notes;
    std::string pipeline_yaml;   // the pipeline exactly as running
    nlohmann::json sensors;      // the sensors' settings
  };
  control_outcome start(const start_request& r);
  // `drops`: what the pipeline's queues dropped, for the meta file.
  control_outcome stop(const nlohmann::json& drops);
  control_outcome mark(const std::string& text);
  nlohmann::json list();
  // The open session with live figures, or null; a recording that stopped on
  // its own (a full disk) is closed here and reported once as `last_error`.
  nlohmann::json current();
  const std::string& dir() const { return dir_; }

 private:
  struct session {
    std::string id, folder, participant, notes, recorder, format, started_at;
    nlohmann::json sensors;
  };
  nlohmann::json meta_json(const session& s, const recording_figures& f, const std::string& state) const;
  void write_meta(const nlohmann::json& meta);
  void close_locked(const recording_figures& f, const std::string& reason, const nlohmann::json& drops);
  void reap_locked();
  recorder_handle* recorder_locked(const std::string& name) const;

  const std::string dir_;
  const std::string version_;
  std::mutex mutex_;
  std::vector<std::pair<std::string, recorder_handle*>> recorders_;
  std::optional<session> current_;
  std::string last_error_;
};

}  // namespace eegd::daemon
