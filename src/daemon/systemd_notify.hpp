#pragma once

// The systemd notify protocol (sd_notify(3)): READY=1 once the pipeline runs,
// WATCHDOG=1 from the supervision loop while the pipeline makes progress,
// STOPPING=1 on shutdown, each a datagram to the socket named by NOTIFY_SOCKET
// (a path, or '@' for an abstract socket). Without NOTIFY_SOCKET (not under
// systemd) every call does nothing.

#include <cstdint>
#include <string>

namespace eegd::daemon {

class systemd_notifier {
 public:
  systemd_notifier();
  bool active() const { return active_; }
  // The watchdog interval systemd asked for (WatchdogSec), 0 when none.
  std::uint64_t watchdog_usec() const { return watchdog_usec_; }

  void ready(const std::string& status_text);
  void watchdog();
  void stopping();

 private:
  void send(const std::string& message);

  std::string socket_;
  bool active_ = false;
  std::uint64_t watchdog_usec_ = 0;
};

// Decides whether the pipeline made progress since the last supervision tick:
// a running pipeline that wants data must have produced some. A stopped or
// failed pipeline (the daemon still serves) and one paused for lack of demand
// count as healthy.
class progress_check {
 public:
  bool healthy(bool running, bool demanded, std::uint64_t source_packets);

 private:
  std::uint64_t last_packets_ = 0;
  bool seen_ = false;
};

}  // namespace eegd::daemon
