// eegd under a (fake) systemd: the notify protocol on a datagram socket, as a
// Type=notify unit with WatchdogSec= would see it.
#include <gtest/gtest.h>
#include <signal.h>

#include <string>

#include "support/notify_socket.hpp"
#include "support/process.hpp"

namespace eegd::testing {
namespace {

using namespace std::chrono_literals;

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
  ASSERT_FALSE(ready.empty()) << sd.joined() << eegd.err();
  EXPECT_NE(ready.find("STATUS=listening on http://127.0.0.1:"), std::string::npos) << ready;
  // WatchdogSec=0.2 s: a ping every 0.1 s while the pipeline produces.
  EXPECT_FALSE(sd.wait_for("WATCHDOG=1", 10s).empty()) << sd.joined();
  EXPECT_FALSE(sd.wait_for("WATCHDOG=1", 10s).empty()) << sd.joined();
  eegd.signal(SIGTERM);
  EXPECT_FALSE(sd.wait_for("STOPPING=1", 10s).empty()) << sd.joined();
  const auto r = eegd.wait(10s);
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

}  // namespace
}  // namespace eegd::testing
