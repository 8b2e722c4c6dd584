// eegctl against a real daemon, over its Unix socket.
#include <gtest/gtest.h>

#include <signal.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "support/daemon_fixture.hpp"

namespace eegd::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

const std::string sine_stream =
    "name: ctl_test\n"
    "stages:\n"
    "  - synthetic: { channels: 2, rate: 1000, batch: 10, sine_hz: [10], noise_uv: 0, line_uv: 0 }\n"
    "  - to_voltage: {}\n"
    "  - websocket_sink: { topic: eeg }\n";

process_result eegctl(const running_daemon& d, std::vector<std::string> args) {
  std::vector<std::string> argv = {eegctl_binary(), "--runtime-dir", d.runtime_dir()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv, 30s);
}

TEST(Eegctl, StatusShowsThePipelineAndItsStages) {
  running_daemon d(sine_stream);
  const auto r = eegctl(d, {"status"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("pipeline  ctl_test  running"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("synthetic"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("websocket_sink"), std::string::npos) << r.out;
  const auto j = eegctl(d, {"status", "--json"});
  ASSERT_EQ(j.exit_code, 0) << j.err;
  EXPECT_EQ(json::parse(j.out)["pipeline"]["name"], "ctl_test");
}

TEST(Eegctl, SetChangesALiveParameterAndGetReadsItBack) {
  running_daemon d(sine_stream);
  auto r = eegctl(d, {"get", "synthetic.sine_hz"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out), json::array({10.0}));
  r = eegctl(d, {"set", "synthetic.sine_hz", "[22]"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = eegctl(d, {"get", "/stages/synthetic/sine_hz"});
  EXPECT_EQ(json::parse(r.out), json::array({22.0}));
  r = eegctl(d, {"get", "synthetic"});
  EXPECT_EQ(json::parse(r.out)["type"], "synthetic");
}

TEST(Eegctl, RefusedChangesSayWhyWithExitCodes) {
  running_daemon d(sine_stream);
  auto r = eegctl(d, {"set", "synthetic.sine_hz", "[-3]"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("parameter sine_hz"), std::string::npos) << r.err;
  r = eegctl(d, {"set", "synthetic.channels", "4"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("restart needed"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--restart"), std::string::npos) << r.err;
  r = eegctl(d, {"set", "synthetic.channels", "4", "--restart"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(eegctl(d, {"get", "synthetic.channels"}).out), 4);
  r = eegctl(d, {"get", "nosuch.param"});
  EXPECT_EQ(r.exit_code, 1);
}

TEST(Eegctl, StartRejectsABadFileLikeTheCompilerWould) {
  running_daemon d(sine_stream);
  d.dir().write("bad.yaml", "stages:\n  - synthetic: { chanels: 2 }\n");
  const auto r = eegctl(d, {"start", d.dir().file("bad.yaml")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(d.dir().file("bad.yaml") + ":2:18: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("did you mean 'channels'"), std::string::npos) << r.err;
  EXPECT_EQ(d.status()["pipeline"]["state"], "running");
}

TEST(Eegctl, StopThenStartAndPresets) {
  running_daemon d(sine_stream);
  auto r = eegctl(d, {"stop"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(d.status()["pipeline"]["state"], "stopped");
  r = eegctl(d, {"start"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(d.status()["pipeline"]["state"], "running");
  r = eegctl(d, {"start", "--preset", "default"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(d.status()["pipeline"]["name"], "default");
}

TEST(Eegctl, TopicsAndWatchReportTheStream) {
  running_daemon d(sine_stream);
  auto r = eegctl(d, {"topics", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)[0]["topic"], "eeg");
  r = eegctl(d, {"watch", "eeg", "--seconds", "2.5", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream lines(r.out);
  std::string line;
  int reports = 0;
  while (std::getline(lines, line)) {
    const json j = json::parse(line);
    EXPECT_EQ(j["topic"], "eeg");
    EXPECT_EQ(j["channels"], 2);
    EXPECT_EQ(j["gaps"], 0);
    EXPECT_GT(j["packets"].get<int>(), 0);
    EXPECT_GT(j["latency_ms"]["p50"].get<double>(), 0.0);
    ++reports;
  }
  EXPECT_GE(reports, 1) << r.out;
}

TEST(Eegctl, NoDaemonIsExitCode3) {
  temp_dir empty;
  const auto r = run({eegctl_binary(), "--runtime-dir", empty.path(), "status"}, 10s);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("no eegd running"), std::string::npos) << r.err;
}

TEST(Eegctl, DaemonKilledLeavesNothingThatAnswers) {
  running_daemon d(sine_stream);
  const std::string runtime = d.runtime_dir();
  d.proc().signal(SIGKILL);
  d.proc().wait(10s);
  const auto r = run({eegctl_binary(), "--runtime-dir", runtime, "status"}, 10s);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("no eegd answering"), std::string::npos) << r.err;
}

TEST(Eegctl, UsageErrorsAre64) {
  const auto r = run({eegctl_binary(), "frobnicate"}, 10s);
  EXPECT_EQ(r.exit_code, 64);
}

}  // namespace
}  // namespace eegd::testing
