#include "core/sensor_store.hpp"

#include <algorithm>

namespace eegd::core {

std::shared_ptr<const sensor_meta> sensor_store::publish(const std::string& key, sensor_meta meta) {
  std::shared_ptr<const sensor_meta> result;
  bool changed = false;
  {
    std::lock_guard lock(mutex_);
    auto it = by_key_.find(key);
    if (it == by_key_.end()) {
      meta.sensor_id = next_id_++;
      meta.meta_rev = 1;
      changed = true;
    } else if (!it->second->same_settings(meta)) {
      meta.sensor_id = it->second->sensor_id;
      meta.meta_rev = it->second->meta_rev + 1;
      changed = true;
    } else {
      return it->second;
    }
    result = std::make_shared<const sensor_meta>(std::move(meta));
    by_key_[key] = result;
  }
  if (changed && on_change_) on_change_();
  return result;
}

std::shared_ptr<const sensor_meta> sensor_store::preview(const std::string& key,
                                                        sensor_meta meta) const {
  std::lock_guard lock(mutex_);
  auto it = by_key_.find(key);
  if (it == by_key_.end()) {
    meta.sensor_id = next_id_;
    meta.meta_rev = 1;
  } else {
    meta.sensor_id = it->second->sensor_id;
    meta.meta_rev = it->second->meta_rev + (it->second->same_settings(meta) ? 0 : 1);
  }
  return std::make_shared<const sensor_meta>(std::move(meta));
}

std::shared_ptr<const sensor_meta> sensor_store::find(std::uint32_t sensor_id) const {
  std::lock_guard lock(mutex_);
  for (const auto& [key, meta] : by_key_)
    if (meta->sensor_id == sensor_id) return meta;
  return nullptr;
}

void sensor_store::restore(std::vector<entry> entries) {
  std::lock_guard lock(mutex_);
  for (auto& e : entries) {
    next_id_ = std::max(next_id_, e.meta->sensor_id + 1);
    by_key_[e.key] = std::move(e.meta);
  }
}

std::vector<sensor_store::entry> sensor_store::entries() const {
  std::lock_guard lock(mutex_);
  std::vector<entry> out;
  for (const auto& [key, meta] : by_key_) out.push_back({key, meta});
  return out;
}

void sensor_store::on_change(std::function<void()> callback) {
  std::lock_guard lock(mutex_);
  on_change_ = std::move(callback);
}

}  // namespace eegd::core
