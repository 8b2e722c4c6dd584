#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "eegd/stream_info.hpp"

namespace eegd::core {

// The daemon-wide record of acquisition devices. Outlives pipeline runs, so a
// restarted pipeline keeps its sensor ids and meta_rev only grows. The daemon
// persists it through `on_change` (issue: persistent state); `eegd run` keeps
// it in memory.
class sensor_store final : public sensor_registry {
 public:
  struct entry {
    std::string key;
    std::shared_ptr<const sensor_meta> meta;
  };

  std::shared_ptr<const sensor_meta> publish(const std::string& key, sensor_meta meta) override;
  std::shared_ptr<const sensor_meta> find(std::uint32_t sensor_id) const override;
  // What publish() would return, without storing anything (validation builds).
  std::shared_ptr<const sensor_meta> preview(const std::string& key, sensor_meta meta) const;

  // Restores saved entries (ids and revisions) before any pipeline runs.
  void restore(std::vector<entry> entries);
  std::vector<entry> entries() const;
  // Called (outside the lock) after a publish changed something.
  void on_change(std::function<void()> callback);

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<const sensor_meta>> by_key_;
  std::uint32_t next_id_ = 1;
  std::function<void()> on_change_;
};

}  // namespace eegd::core
