// The notify protocol as sd_notify(3) defines it: the datagrams systemd would
// receive on path and abstract sockets, and whose watchdog settings apply.
#include "daemon/systemd_notify.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "support/notify_socket.hpp"

namespace eegd::daemon {
namespace {

// Sets environment variables for one test and restores them after.
class scoped_env {
 public:
  void set(const char* name, const std::string& value) {
    if (!original_.contains(name)) {
      const char* old = std::getenv(name);
      original_[name] = old ? std::optional<std::string>(old) : std::nullopt;
    }
    ::setenv(name, value.c_str(), 1);
  }
  ~scoped_env() {
    for (const auto& [name, value] : original_)
      if (value) ::setenv(name.c_str(), value->c_str(), 1);
      else ::unsetenv(name.c_str());
  }

 private:
  std::map<std::string, std::optional<std::string>> original_;
};

std::string unique_name(const char* tag) { return std::string(tag) + std::to_string(::getpid()); }

TEST(SystemdNotify, SendsEachStateToAPathSocket) {
  const std::string path = (std::filesystem::temp_directory_path() / unique_name("eegd-notify-")).string();
  testing::notify_socket systemd(path);
  scoped_env env;
  env.set("NOTIFY_SOCKET", path);
  systemd_notifier n;
  ASSERT_TRUE(n.active());
  n.ready("listening on http://127.0.0.1:8080");
  EXPECT_EQ(systemd.take(), "READY=1\nSTATUS=listening on http://127.0.0.1:8080");
  n.watchdog();
  EXPECT_EQ(systemd.take(), "WATCHDOG=1");
  n.stopping();
  EXPECT_EQ(systemd.take(), "STOPPING=1");
}

TEST(SystemdNotify, ReachesAnAbstractSocket) {
  const std::string name = "@" + unique_name("eegd-notify-test-");
  testing::notify_socket systemd(name);
  scoped_env env;
  env.set("NOTIFY_SOCKET", name);
  systemd_notifier n;
  n.watchdog();
  EXPECT_EQ(systemd.take(), "WATCHDOG=1");
}

TEST(SystemdNotify, InactiveWithoutAUsableSocket) {
  scoped_env env;
  for (const char* value : {"", "relative/path"}) {
    env.set("NOTIFY_SOCKET", value);
    systemd_notifier n;
    EXPECT_FALSE(n.active()) << "'" << value << "'";
    n.ready("ignored");  // nowhere to send: does nothing
  }
}

TEST(SystemdNotify, WatchdogIntervalAppliesOnlyToTheProcessItNames) {
  scoped_env env;
  env.set("NOTIFY_SOCKET", "/run/systemd/notify");
  env.set("WATCHDOG_USEC", "10000000");
  env.set("WATCHDOG_PID", std::to_string(::getpid()));
  EXPECT_EQ(systemd_notifier().watchdog_usec(), 10'000'000u);
  env.set("WATCHDOG_PID", std::to_string(::getpid() + 1));  // meant for another process
  EXPECT_EQ(systemd_notifier().watchdog_usec(), 0u);
  env.set("WATCHDOG_PID", "pid one");  // malformed: as libsystemd, no watchdog
  EXPECT_EQ(systemd_notifier().watchdog_usec(), 0u);
  env.set("WATCHDOG_PID", std::to_string(::getpid()));
  for (const char* usec : {"ten seconds", "10s", ""}) {
    env.set("WATCHDOG_USEC", usec);
    EXPECT_EQ(systemd_notifier().watchdog_usec(), 0u) << "'" << usec << "'";
  }
}

}  // namespace
}  // namespace eegd::daemon
