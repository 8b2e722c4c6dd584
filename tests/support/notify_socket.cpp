#include "support/notify_socket.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <stdexcept>

namespace eegd::testing {

notify_socket::notify_socket(std::string name) : name_(std::move(name)) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (name_.empty() || name_.size() >= sizeof addr.sun_path)
    throw std::runtime_error("notify socket name empty or too long: " + name_);
  const bool abstract = name_[0] == '@';
  std::memcpy(addr.sun_path, name_.data(), name_.size());
  if (abstract) addr.sun_path[0] = '\0';
  else ::unlink(name_.c_str());  // left by an earlier run
  const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name_.size());
  fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), length) != 0) {
    const std::string why = std::strerror(errno);
    if (fd_ >= 0) ::close(fd_);
    throw std::runtime_error("bind " + name_ + ": " + why);
  }
}

notify_socket::~notify_socket() {
  ::close(fd_);
  if (name_[0] != '@') ::unlink(name_.c_str());
}

std::string notify_socket::take() {
  char buf[4096];
  const ssize_t n = ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
  if (n <= 0) return {};
  seen_.emplace_back(buf, static_cast<std::size_t>(n));
  return seen_.back();
}

std::string notify_socket::wait_for(const std::string& needle, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd_, POLLIN, 0};
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (::poll(&p, 1, static_cast<int>(std::max<std::int64_t>(1, left.count()))) <= 0) continue;
    if (std::string m = take(); m.find(needle) != std::string::npos) return m;
  }
  return {};
}

std::string notify_socket::joined() const {
  std::string s;
  for (const auto& m : seen_) s += "[" + m + "] ";
  return s;
}

}  // namespace eegd::testing
