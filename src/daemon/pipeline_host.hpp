#pragma once

// Runs one pipeline at a time inside the daemon and swaps it safely. A new
// pipeline is validated with a dry-run build first; only then is the running
// one stopped and the new one built for real. If that real build still fails
// (a device that will not open...), the previous pipeline is rebuilt and
// restarted, so a bad request never leaves the daemon without its pipeline.

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "config/pipeline_builder.hpp"
#include "config/yaml_reader.hpp"
#include "core/executor.hpp"

namespace eegd::daemon {

class pipeline_host {
 public:
  // `recorders` (may be null) is where recorder stages attach.
  pipeline_host(const core::stage_registry& registry, core::sensor_store& sensors, topic_publisher& publisher,
                recorder_registry* recorders = nullptr);
  ~pipeline_host();

  // Replaces the running pipeline with `doc`. On error nothing changed.
  config::config_errors start(config::pipeline_doc doc);
  // Quiesce, drain and join; true when it stopped before the deadline.
  bool stop(std::int64_t timeout_ns = 1'500'000'000);

  struct view {
    core::pipeline_state state = core::pipeline_state::stopped;
    bool loaded = false;  // a pipeline exists (running, stopped or failed)
    std::string failure;
    std::string name, file;
    std::int64_t started_realtime_ns = 0;
    core::demand_level demand = core::demand_level::idle;
  };
  view describe() const;

  // Runs `f(executor&)` while holding the host's lock; returns false when no
  // pipeline is loaded. Keep `f` short: statistics, live changes.
  bool with_executor(const std::function<void(core::executor&)>& f) const;
  std::optional<config::pipeline_doc> current_doc() const;
  // Called (from any thread) when the pipeline's state or demand changes.
  void on_change(std::function<void()> callback);

 private:
  std::unique_ptr<core::executor> build(const config::pipeline_doc& doc, bool dry_run, config::config_errors& errors);
  void stop_locked(std::int64_t timeout_ns);
  void notify();

  const core::stage_registry& registry_;
  core::sensor_store& sensors_;
  topic_publisher& publisher_;
  recorder_registry* recorders_;

  mutable std::mutex mutex_;
  std::unique_ptr<core::executor> exec_;
  std::optional<config::pipeline_doc> doc_;
  std::int64_t started_realtime_ns_ = 0;
  std::mutex callback_mutex_;
  std::function<void()> on_change_;
};

}  // namespace eegd::daemon
