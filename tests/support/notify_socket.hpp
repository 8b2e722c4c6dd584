#pragma once

// The socket systemd passes a service in NOTIFY_SOCKET, for tests of the
// notify protocol: a path, or "@name" for a Linux abstract socket. The address
// is encoded here independently of the daemon's sender, so a mistake in one
// is not mirrored by the other.

#include <chrono>
#include <string>
#include <vector>

namespace eegd::testing {

class notify_socket {
 public:
  explicit notify_socket(std::string name);  // throws when it cannot bind
  ~notify_socket();
  notify_socket(const notify_socket&) = delete;
  notify_socket& operator=(const notify_socket&) = delete;

  // The next datagram already queued, "" when there is none. An AF_UNIX
  // datagram is queued by the time the sender's send returns.
  std::string take();
  // Messages until one contains `needle` (returned), or the deadline ("").
  std::string wait_for(const std::string& needle, std::chrono::milliseconds timeout);
  // Every message taken so far, in order.
  const std::vector<std::string>& seen() const { return seen_; }
  // seen() as "[m1] [m2] ...", for failure messages.
  std::string joined() const;

 private:
  std::string name_;
  int fd_ = -1;
  std::vector<std::string> seen_;
};

}  // namespace eegd::testing
