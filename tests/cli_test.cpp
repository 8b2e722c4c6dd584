// eegd's command line as a user meets it: check, run, stages, --version.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "support/process.hpp"

namespace eegd::testing {
namespace {

using nlohmann::json;

TEST(Cli, CheckNamesTheTypoWithLineColumnAndSuggestion) {
  temp_dir dir;
  dir.write("typo.yaml", "name: typo\nstages:\n  - synthetic: { chanels: 8, rate: 250 }\n  - null_sink: {}\n");
  auto r = run({eegd_binary(), "check", dir.file("typo.yaml")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(dir.file("typo.yaml") +
                       ":3:18: unknown key 'chanels' for stage type 'synthetic' (did you mean 'channels'?)"),
            std::string::npos)
      << r.err;
}

TEST(Cli, CheckAcceptsTheShippedPipelines) {
  for (const char* name : {"default.yaml", "research_4k.yaml", "recording.yaml", "bench_overhead.yaml", "bench_stream.yaml",
                           "ads1299.yaml", "ads1299_emulator.yaml"}) {
    auto r = run({eegd_binary(), "check", source_dir() + "/configs/pipelines/" + name});
    EXPECT_EQ(r.exit_code, 0) << name << ": " << r.err;
  }
}

TEST(Cli, RunFastWritesStatisticsWithEveryFrameAndNoDrops) {
  temp_dir dir;
  auto r = run({eegd_binary(), "run", source_dir() + "/configs/pipelines/bench_overhead.yaml", "--fast",
                "--duration", "2", "--stats-json", dir.file("s.json")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json s = json::parse(read_file(dir.file("s.json")));
  EXPECT_EQ(s["state"], "stopped");
  EXPECT_EQ(s["drops_total"], 0);
  EXPECT_DOUBLE_EQ(s["data_s"].get<double>(), 2.0);  // 8000 frames at 4000 Hz, batch 32
  for (const auto& stage : s["stages"]) {
    const bool source = stage["role"] == "source";
    EXPECT_EQ((source ? stage["frames_out"] : stage["frames_in"]).get<std::uint64_t>(), 8000u) << stage["name"];
  }
  for (const auto& edge : s["edges"]) {
    if (edge["direct"].get<bool>()) continue;
    EXPECT_EQ(edge["dropped"], 0) << edge["from"] << "->" << edge["to"];
  }
  EXPECT_EQ(s["latency_ns"]["count"], 250);
  EXPECT_GT(s["latency_ns"]["p99"].get<double>(), 0.0);
  EXPECT_EQ(s["overhead_ns"]["hops_per_packet"].get<double>(), 3.0) << "source, dsp and sinks threads";
  EXPECT_NE(r.out.find("0 dropped"), std::string::npos) << r.out;
}

TEST(Cli, SigtermEndsARealtimeRunInOrder) {
  temp_dir dir;
  dir.write("rt.yaml", "stages:\n  - synthetic: { channels: 4, rate: 500, batch: 10 }\n  - to_voltage: {}\n"
                       "  - csv_sink: { path: out.csv }\n");
  process p({eegd_binary(), "run", dir.file("rt.yaml"), "--stats-json", dir.file("s.json")});
  // Wait until data reached the file, then ask it to stop.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (read_file(dir.file("out.csv")).size() < 2000 && std::chrono::steady_clock::now() < deadline)
    p.wait_for_output("never printed", std::chrono::milliseconds(20));
  p.signal(SIGTERM);
  auto r = p.wait(std::chrono::seconds(10));
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const json s = json::parse(read_file(dir.file("s.json")));
  EXPECT_EQ(s["state"], "stopped");
  // Orderly: every frame the source made reached the file (header + one row per frame).
  const std::uint64_t frames = s["stages"][0]["frames_out"];
  std::istringstream csv(read_file(dir.file("out.csv")));
  std::string line;
  std::uint64_t rows = 0;
  while (std::getline(csv, line)) ++rows;
  EXPECT_EQ(rows, frames + 1);
}

TEST(Cli, RunWritesTheEmulatedAds1299SinesInMicrovolts) {
  temp_dir dir;
  dir.write("ads.yaml",
            "stages:\n"
            "  - ads1299: { emulator: true, rate: 500, gain: [24, 8, 24, 8, 24, 8, 24, 8], emu_sine_hz: [5], emu_sine_uv: [80, 300] }\n"
            "  - to_voltage: {}\n"
            "  - csv_sink: { path: ads.csv, precision: 9 }\n");
  auto r = run({eegd_binary(), "run", dir.file("ads.yaml"), "--fast", "--duration", "2", "--stats-json",
                dir.file("s.json")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream csv(read_file(dir.file("ads.csv")));
  std::string line;
  ASSERT_TRUE(std::getline(csv, line));
  EXPECT_EQ(line, "frame,time_s,ch1,ch2,ch3,ch4,ch5,ch6,ch7,ch8");
  std::uint64_t rows = 0;
  double worst = 0;
  while (std::getline(csv, line)) {
    std::vector<double> v;
    std::istringstream fields(line);
    for (std::string f; std::getline(fields, f, ',');) v.push_back(std::stod(f));
    ASSERT_EQ(v.size(), 10u) << line;
    EXPECT_EQ(v[0], static_cast<double>(rows)) << "frames are consecutive";
    const double phase = 2 * 3.141592653589793 * 5 * v[0] / 500;
    for (std::size_t c = 0; c < 8; ++c) {
      const double uv = c % 2 ? 300 : 80, gain = c % 2 ? 8 : 24;
      worst = std::max(worst, std::abs(v[2 + c] - uv * std::sin(phase)) / (4.5 / (gain * 8388608) * 1e6));
    }
    ++rows;
  }
  EXPECT_EQ(rows, 1000u);
  EXPECT_LE(worst, 0.51) << "worst deviation in LSBs";
  const json s = json::parse(read_file(dir.file("s.json")));
  EXPECT_EQ(s["stages"][0]["status"]["gaps"], 0.0);
}

// --mlock locks the process's pages (VmLck grows), and when that is not
// permitted it warns, says what would permit it, and runs anyway.
TEST(Cli, MlockLocksMemoryOrWarnsAndRunsAnyway) {
  const std::string pipeline = std::string(EEGD_SOURCE_DIR) + "/configs/pipelines/bench_ads1299.yaml";
  const std::vector<std::string> args = {eegd_binary(), "--mlock", "run", pipeline, "--fast", "--duration", "1", "-q"};
  if (::geteuid() != 0) GTEST_SKIP() << "needs root (CAP_IPC_LOCK) for the locked case";
  if (EEGD_SANITIZED) {
    // ASan's mlockall is a no-op returning 0: eegd must not claim a lock it lacks.
    auto r = run(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE((r.out + r.err).find("the kernel shows no locked memory"), std::string::npos) << r.out << r.err;
    return;
  }
  auto locked = run(args);
  ASSERT_EQ(locked.exit_code, 0) << locked.err;
  const std::string log = locked.out + locked.err;  // spdlog writes to stdout
  const auto at = log.find("memory locked (mlockall): ");
  ASSERT_NE(at, std::string::npos) << log;
  EXPECT_GT(std::stoul(log.substr(at + 26)), 0u) << log;

  // Without CAP_IPC_LOCK and with a zero RLIMIT_MEMLOCK, mlockall must fail.
  std::vector<std::string> denied_args = {"/usr/bin/prlimit", "--memlock=0:0", "/usr/bin/setpriv", "--bounding-set=-ipc_lock"};
  denied_args.insert(denied_args.end(), args.begin(), args.end());
  auto denied = run(denied_args);
  ASSERT_EQ(denied.exit_code, 0) << denied.err;
  const std::string warning = denied.out + denied.err;
  EXPECT_NE(warning.find("mlockall failed: Operation not permitted (RLIMIT_MEMLOCK is 0 KiB"), std::string::npos)
      << warning;
  EXPECT_NE(warning.find("running without locked memory"), std::string::npos) << warning;
}

TEST(Cli, ProbeTheEmulatorPrintsIdRegistersAndASummary) {
  auto r = run({eegd_binary(), "probe", "--emulator", "--seconds", "0.2", "--input", "test_signal", "--gain", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("ADS1299 on emulator: ID 0x3E"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("02 CONFIG2    0xD0"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("rate 250 S/s, gain 1, input test_signal"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1874.86"), std::string::npos) << r.out;
}

TEST(Cli, ProbeWithoutTheDeviceSaysHowToEnableSpi) {
  auto r = run({eegd_binary(), "probe", "--spi-device", "/dev/spidev-missing"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no /dev/spidev-missing: enable SPI with 'dtparam=spi=on'"), std::string::npos) << r.err;
}

TEST(Cli, RelativePathsResolveAgainstThePipelineFolder) {
  temp_dir dir;
  dir.write("p.yaml", "stages:\n  - synthetic: { realtime: false }\n  - to_voltage: {}\n  - csv_sink: { path: here.csv }\n");
  auto r = run({eegd_binary(), "run", "p.yaml", "--duration", "0.1", "-q"}, std::chrono::seconds(30), dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(read_file(dir.file("here.csv")).empty());
}

TEST(Cli, BadPipelineExitsWithConfigErrorAndNothingRuns) {
  temp_dir dir;
  dir.write("bad.yaml", "stages:\n  - synthetic: { rate: 1e9 }\n  - null_sink\n");
  auto r = run({eegd_binary(), "run", dir.file("bad.yaml"), "--fast", "--duration", "1"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("bad.yaml:2:24: 'rate' of 'synthetic': out of range: 1000000000, allowed 1..64000 Hz"),
            std::string::npos)
      << r.err;
}

TEST(Cli, StagesJsonDescribesParametersFromTheirDeclarations) {
  auto r = run({eegd_binary(), "stages", "--json"});
  ASSERT_EQ(r.exit_code, 0);
  const json types = json::parse(r.out);
  const auto synthetic = std::find_if(types.begin(), types.end(), [](const json& t) { return t["name"] == "synthetic"; });
  ASSERT_NE(synthetic, types.end());
  EXPECT_EQ((*synthetic)["role"], "source");
  const auto& params = (*synthetic)["params"];
  const auto rate = std::find_if(params.begin(), params.end(), [](const json& p) { return p["name"] == "rate"; });
  ASSERT_NE(rate, params.end());
  EXPECT_EQ((*rate)["unit"], "Hz");
  EXPECT_EQ((*rate)["range"], json::array({1.0, 64000.0}));
  EXPECT_EQ((*rate)["default"], 250.0);
}

TEST(Cli, PipelineReferenceDocIsCurrent) {
  auto r = run({eegd_binary(), "stages", "--markdown"});
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_EQ(read_file(source_dir() + "/docs/pipeline-reference.md"), r.out)
      << "docs/pipeline-reference.md is stale: run `make docs`";
}

TEST(Cli, VersionNamesTheProgram) {
  auto r = run({eegd_binary(), "--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.rfind("eegd 0.1.0", 0), 0u) << r.out;
}

}  // namespace
}  // namespace eegd::testing
