#include "daemon/control_hub.hpp"

#include "observe/json_text.hpp"

namespace eegd::daemon {

control_hub::control_hub(pipeline_control& control) : control_(control) {}

control_hub::~control_hub() { stop(); }

void control_hub::stop() { pool_.join(); }

void control_hub::post(std::function<void()> job) { net::post(pool_, std::move(job)); }

void control_hub::add(std::weak_ptr<control_listener> listener) {
  std::lock_guard lock(mutex_);
  std::erase_if(listeners_, [](const auto& w) { return w.expired(); });
  listeners_.push_back(std::move(listener));
}

std::shared_ptr<const std::string> control_hub::view_message() {
  return std::make_shared<const std::string>(
      observe::json_text(nlohmann::json{{"type", "pipeline"}, {"view", control_.view()}}));
}

void control_hub::broadcast() {
  if (broadcast_pending_.exchange(true)) return;  // one is queued and will see this change too
  post([this] {
    broadcast_pending_ = false;
    const auto text = view_message();
    std::vector<std::shared_ptr<control_listener>> live;
    {
      std::lock_guard lock(mutex_);
      for (auto& w : listeners_)
        if (auto l = w.lock()) live.push_back(std::move(l));
    }
    for (auto& l : live) l->send_text(text);
  });
}

}  // namespace eegd::daemon
