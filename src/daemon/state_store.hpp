#pragma once

// The daemon's state directory: the pipeline as it ran (saved on clean
// shutdown, restored on start), the sensors' settings and revisions (saved on
// every change), the access token. Every write is atomic (temp file, fsync,
// rename, fsync of the folder), so a crash or kill -9 leaves either the old or
// the new file, never a torn one. A file that cannot be read is moved aside
// with a warning and the daemon starts from its defaults.

#include <optional>
#include <string>

#include "config/pipeline_doc.hpp"
#include "core/sensor_store.hpp"
#include "core/stage_registry.hpp"
#include "eegd/result.hpp"

namespace eegd::daemon {

class state_store {
 public:
  explicit state_store(std::string dir) : dir_(std::move(dir)) {}
  const std::string& dir() const { return dir_; }

  std::optional<config::pipeline_doc> load_pipeline(const core::stage_registry& registry);
  status save_pipeline(const config::pipeline_doc& doc);

  void load_sensors(core::sensor_store& sensors);
  status save_sensors(const core::sensor_store& sensors);

  // The token in <dir>/token, created (random, 0600) when missing.
  result<std::string> token();

  std::string pipeline_path() const { return dir_ + "/pipeline.yaml"; }
  std::string sensors_path() const { return dir_ + "/sensors.json"; }

 private:
  void set_aside(const std::string& path, const std::string& why);
  std::string dir_;
};

// Writes `text` to `path` atomically with the given mode.
status write_file_atomically(const std::string& path, const std::string& text, unsigned mode = 0600);

}  // namespace eegd::daemon
