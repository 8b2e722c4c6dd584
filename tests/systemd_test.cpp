// eegd under a (fake) systemd: the notify protocol on a datagram socket, as a
// Type=notify unit with WatchdogSec= would see it.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <vector>

#include "support/process.hpp"

namespace eegd::testing {
namespace {

using namespace std::chrono_literals;

// The socket systemd would pass in NOTIFY_SOCKET.
class notify_socket {
 public:
  explicit notify_socket(std::string path) : path_(std::move(path)) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path_.c_str(), sizeof(addr.sun_path) - 1);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0)
      throw std::runtime_error("bind " + path_ + ": " + std::strerror(errno));
  }
  ~notify_socket() {
    ::close(fd_);
    ::unlink(path_.c_str());
  }
  // Messages until one contains `needle` (returned), or the deadline ("").
  std::string wait_for(const std::string& needle, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p{fd_, POLLIN, 0};
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (::poll(&p, 1, static_cast<int>(std::max<std::int64_t>(1, left.count()))) <= 0) continue;
      char buf[4096];
      const ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
      if (n <= 0) continue;
      std::string m(buf, static_cast<std::size_t>(n));
      seen_.push_back(m);
      if (m.find(needle) != std::string::npos) return m;
    }
    return {};
  }
  const std::vector<std::string>& seen() const { return seen_; }

 private:
  std::string path_;
  int fd_ = -1;
  std::vector<std::string> seen_;
};

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& m : v) s += "[" + m + "] ";
  return s;
}

TEST(Systemd, ReadyThenWatchdogWhileDataFlowsThenStopping) {
  temp_dir dir;
  dir.write("pipeline.yaml",
            "stages:\n"
            "  - synthetic: { channels: 2, rate: 1000, batch: 10 }\n"
            "  - null_sink: {}\n");
  notify_socket sd(dir.file("notify.sock"));
  process eegd({eegd_binary(), "serve", "--pipeline", dir.file("pipeline.yaml"), "--http", "127.0.0.1:0",
                "--runtime-dir", dir.file("run"), "--state-dir", dir.file("state")},
               {}, {"NOTIFY_SOCKET=" + dir.file("notify.sock"), "WATCHDOG_USEC=200000"});
  const std::string ready = sd.wait_for("READY=1", 20s);
  ASSERT_FALSE(ready.empty()) << joined(sd.seen()) << eegd.err();
  EXPECT_NE(ready.find("STATUS=listening on http://127.0.0.1:"), std::string::npos) << ready;
  // WatchdogSec=0.2 s: a ping every 0.1 s while the pipeline produces.
  EXPECT_FALSE(sd.wait_for("WATCHDOG=1", 10s).empty()) << joined(sd.seen());
  EXPECT_FALSE(sd.wait_for("WATCHDOG=1", 10s).empty()) << joined(sd.seen());
  eegd.signal(SIGTERM);
  EXPECT_FALSE(sd.wait_for("STOPPING=1", 10s).empty()) << joined(sd.seen());
  const auto r = eegd.wait(10s);
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

}  // namespace
}  // namespace eegd::testing
