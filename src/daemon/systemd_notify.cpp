#include "daemon/systemd_notify.hpp"

#include <systemd/sd-daemon.h>

#include <cstdlib>

namespace eegd::daemon {

systemd_notifier::systemd_notifier() {
  const char* socket = std::getenv("NOTIFY_SOCKET");
  active_ = socket && *socket;
  std::uint64_t usec = 0;
  if (active_ && sd_watchdog_enabled(0, &usec) > 0) watchdog_usec_ = usec;
}

void systemd_notifier::ready(const std::string& status_text) {
  if (active_) sd_notifyf(0, "READY=1\nSTATUS=%s", status_text.c_str());
}

void systemd_notifier::watchdog() {
  if (active_) sd_notify(0, "WATCHDOG=1");
}

void systemd_notifier::stopping() {
  if (active_) sd_notify(0, "STOPPING=1");
}

void systemd_notifier::status(const std::string& text) {
  if (active_) sd_notifyf(0, "STATUS=%s", text.c_str());
}

bool progress_check::healthy(bool running, bool demanded, std::uint64_t source_packets) {
  const bool moved = !seen_ || source_packets != last_packets_;
  seen_ = true;
  last_packets_ = source_packets;
  if (!running || !demanded) return true;
  return moved;
}

}  // namespace eegd::daemon
