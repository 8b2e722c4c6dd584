#pragma once

// Where control operations run and how their results reach /ws/control
// clients. Changing the pipeline can take a second (drain, join, build), so it
// never runs on an io thread: requests are posted to one control thread, which
// also serialises them. After any change, every control client gets the new
// merged view; bursts of changes coalesce into one message.

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "daemon/net.hpp"
#include "daemon/pipeline_control.hpp"

namespace eegd::daemon {

class control_listener {
 public:
  virtual ~control_listener() = default;
  // From the control thread; the listener posts to its own strand.
  virtual void send_text(std::shared_ptr<const std::string> text) = 0;
};

class control_hub {
 public:
  explicit control_hub(pipeline_control& control);
  ~control_hub();  // joins the control thread

  pipeline_control& control() { return control_; }
  // Runs `job` on the control thread.
  void post(std::function<void()> job);
  void add(std::weak_ptr<control_listener> listener);
  // Schedules a "pipeline" message with the current view to every listener.
  void broadcast();
  // The message a new listener gets first.
  std::shared_ptr<const std::string> view_message();
  void stop();  // finishes queued jobs, then joins

 private:
  pipeline_control& control_;
  net::thread_pool pool_{1};
  std::atomic<bool> broadcast_pending_{false};
  std::mutex mutex_;
  std::vector<std::weak_ptr<control_listener>> listeners_;
};

}  // namespace eegd::daemon
