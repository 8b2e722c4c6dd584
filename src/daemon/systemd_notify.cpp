#include "daemon/systemd_notify.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <charconv>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <optional>

namespace eegd::daemon {
namespace {

// The notify protocol is systemd's stable interface; its sd_notify(3) page
// gives a standalone implementation and advises daemons that need nothing
// else not to link libsystemd. eegd follows that advice: on Debian 12
// libsystemd brings libgcrypt, libgpg-error, liblzma, libzstd, liblz4 and
// libcap with it (0.8 MB of the idle daemon's resident memory, and the path
// by which the 2024 xz backdoor reached sshd) for one sendto().
bool send_datagram(const std::string& socket_name, const std::string& message) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (socket_name.size() >= sizeof addr.sun_path) return false;
  std::memcpy(addr.sun_path, socket_name.data(), socket_name.size());
  if (socket_name[0] == '@') addr.sun_path[0] = '\0';  // Linux abstract namespace
  const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + socket_name.size());

  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  const bool sent = ::sendto(fd, message.data(), message.size(), MSG_NOSIGNAL, reinterpret_cast<sockaddr*>(&addr),
                             length) == static_cast<ssize_t>(message.size());
  ::close(fd);
  return sent;
}

// A decimal environment variable: nullopt when unset, 0 when not a number
// (as libsystemd, a malformed value turns the watchdog off).
std::optional<std::uint64_t> env_number(const char* name) {
  const char* text = std::getenv(name);
  if (!text) return std::nullopt;
  const char* end = text + std::strlen(text);
  std::uint64_t value = 0;
  const auto [stop, ec] = std::from_chars(text, end, value);
  return ec == std::errc{} && stop == end ? value : 0;
}

}  // namespace

systemd_notifier::systemd_notifier() {
  const char* socket = std::getenv("NOTIFY_SOCKET");
  if (socket && (socket[0] == '/' || socket[0] == '@')) socket_ = socket;
  else if (socket && *socket)
    spdlog::warn("NOTIFY_SOCKET={}: only path and abstract (@) sockets are supported; not notifying systemd", socket);
  active_ = !socket_.empty();
  // As sd_watchdog_enabled(3): WATCHDOG_USEC, meant for us unless
  // WATCHDOG_PID names another process.
  const std::optional<std::uint64_t> watchdog_pid = env_number("WATCHDOG_PID");
  if (active_ && (!watchdog_pid || *watchdog_pid == static_cast<std::uint64_t>(::getpid())))
    watchdog_usec_ = env_number("WATCHDOG_USEC").value_or(0);
}

void systemd_notifier::send(const std::string& message) {
  if (active_) send_datagram(socket_, message);
}

void systemd_notifier::ready(const std::string& status_text) { send("READY=1\nSTATUS=" + status_text); }

void systemd_notifier::watchdog() { send("WATCHDOG=1"); }

void systemd_notifier::stopping() { send("STOPPING=1"); }

bool progress_check::healthy(bool running, bool demanded, std::uint64_t source_packets) {
  const bool moved = !seen_ || source_packets != last_packets_;
  seen_ = true;
  last_packets_ = source_packets;
  if (!running || !demanded) return true;
  return moved;
}

}  // namespace eegd::daemon
