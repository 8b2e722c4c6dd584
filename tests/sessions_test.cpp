// Study sessions against a real `eegd serve`: the REST API, what lands in the
// session folder (checked with MNE), kill -9 in the middle of a recording,
// and a disk that fills up.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>

#include <filesystem>
#include <thread>

#include "formats/edf_reader.hpp"
#include "formats/test_support.hpp"
#include "support/daemon_fixture.hpp"

namespace eegd::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
using formats::testing::read_with_mne;

// 4 channels at 256 Hz: records of 0.25 s (64 frames).
const std::string recording_pipeline =
    "stages:\n"
    "  - synthetic: { channels: 4, rate: 256, batch: 16 }\n"
    "  - recorder: { format: bdf, fsync_seconds: 0 }\n";

template <class F>
bool eventually(F condition, std::chrono::milliseconds timeout = 20s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

json body_of(const http_result& r) { return json::parse(r.body, nullptr, false); }

json current(const running_daemon& d) { return body_of(d.get("/api/sessions/current")); }

std::uint64_t records_now(const running_daemon& d) {
  const json c = current(d);
  return c.is_object() && c.contains("records") ? c["records"].get<std::uint64_t>() : 0;
}

TEST(Sessions, NeedARecorder) {
  running_daemon d("stages:\n  - synthetic: { channels: 2, rate: 250, batch: 10 }\n  - null_sink: {}\n");
  const auto r = d.post("/api/sessions", R"({"participant": "p1"})");
  EXPECT_EQ(r.status, 409);
  EXPECT_NE(body_of(r)["error"].get<std::string>().find("no recorder"), std::string::npos) << r.body;
}

TEST(Sessions, RecordMarkStopAndList) {
  running_daemon d(recording_pipeline);
  // Until a session starts the recorder opens nothing.
  EXPECT_FALSE(std::filesystem::exists(d.state_dir() + "/sessions"));
  EXPECT_EQ(body_of(d.get("/api/sessions")), json::array());
  EXPECT_EQ(d.get("/api/sessions/current").status, 404);
  EXPECT_EQ(d.post("/api/sessions/current/stop", "").status, 409);
  const auto started = d.post("/api/sessions", R"({"participant": "Jane Doe/../x", "notes": "eyes open then closed"})");
  ASSERT_EQ(started.status, 201) << started.body;
  const json s = body_of(started);
  const std::string id = s["id"];
  EXPECT_TRUE(id.ends_with("-Jane_Doe____x")) << id;
  EXPECT_EQ(id.size(), std::string("YYYYmmdd-HHMMSS-Jane_Doe____x").size());
  const std::string folder = d.state_dir() + "/sessions/" + id;
  EXPECT_EQ(s["folder"], folder);

  const auto again = d.post("/api/sessions", R"({"participant": "other"})");
  EXPECT_EQ(again.status, 409);
  EXPECT_NE(body_of(again)["error"].get<std::string>().find("already open"), std::string::npos) << again.body;
  // The recorder is locked: the pipeline cannot restart under it.
  EXPECT_EQ(d.post("/api/pipeline/start", "").status, 409);

  ASSERT_TRUE(eventually([&] { return records_now(d) >= 4; })) << current(d).dump();
  const auto marked = d.post("/api/sessions/current/markers", R"({"text": "eyes closed"})");
  ASSERT_EQ(marked.status, 200) << marked.body;
  const double onset = body_of(marked)["onset_s"];
  EXPECT_GE(onset, 1.0);
  EXPECT_EQ(d.post("/api/sessions/current/markers", R"({"text": ""})").status, 400);
  const std::uint64_t at_mark = records_now(d);
  ASSERT_TRUE(eventually([&] { return records_now(d) >= at_mark + 4; }));

  const auto stopped = d.post("/api/sessions/current/stop", "");
  ASSERT_EQ(stopped.status, 200) << stopped.body;
  EXPECT_EQ(body_of(stopped)["state"], "stopped");
  EXPECT_EQ(d.post("/api/sessions/current/stop", "").status, 409);
  EXPECT_EQ(d.post("/api/sessions/current/markers", R"({"text": "late"})").status, 409);

  const auto mne = read_with_mne(folder + "/data.bdf");
  ASSERT_FALSE(mne.meta.is_null());
  EXPECT_EQ(mne.meta["sfreq"], 256.0);
  EXPECT_EQ(mne.meta["ch_names"][0], "Fp1");
  bool found = false;
  for (const auto& a : mne.meta["annotations"])
    if (a["description"] == "eyes closed") {
      found = true;
      EXPECT_NEAR(a["onset"].get<double>(), onset, 1.0 / 256 + 1e-6);
    }
  EXPECT_TRUE(found) << mne.meta["annotations"].dump();
  auto reader = formats::edf_reader::open(folder + "/data.bdf");
  ASSERT_TRUE(reader);
  EXPECT_GE((*reader)->header().records, 8);  // the count was written on stop
  EXPECT_EQ((*reader)->header().patient, "Jane_Doe____x X X X");

  const json meta = json::parse(read_file(folder + "/session_meta.json"));
  EXPECT_EQ(meta["participant"], "Jane Doe/../x");
  EXPECT_EQ(meta["notes"], "eyes open then closed");
  EXPECT_EQ(meta["state"], "stopped");
  EXPECT_FALSE(meta["stopped_at"].get<std::string>().empty());
  EXPECT_FALSE(meta["software_version"].get<std::string>().empty());
  ASSERT_EQ(meta["sensors"].size(), 1u);
  EXPECT_EQ(meta["sensors"][0]["device"], "synthetic");
  EXPECT_GE(meta["frames"].get<std::uint64_t>(), 8u * 64);
  EXPECT_TRUE(meta["drops"].contains("queues"));
  EXPECT_NE(read_file(folder + "/pipeline.yaml").find("recorder"), std::string::npos);

  const json list = body_of(d.get("/api/sessions"));
  ASSERT_EQ(list.size(), 1u) << list.dump();
  EXPECT_EQ(list[0]["id"], id);
  EXPECT_EQ(list[0]["size_bytes"].get<std::uint64_t>(), std::filesystem::file_size(folder + "/data.bdf"));
  EXPECT_NEAR(list[0]["duration_s"].get<double>(), meta["seconds"].get<double>(), 1e-9);
  EXPECT_GE(list[0]["duration_s"].get<double>(), 2.0);  // at least 8 records of 0.25 s
}

// kill -9 mid-recording: the file opens in MNE and holds every record that
// had been written when the daemon died.
TEST(Sessions, KillDashNineLeavesAReadableFile) {
  running_daemon d(recording_pipeline);
  const auto started = d.post("/api/sessions", R"({"participant": "crash"})");
  ASSERT_EQ(started.status, 201) << started.body;
  const std::string file = body_of(started)["data_file"];
  constexpr std::uint64_t n = 8;
  ASSERT_TRUE(eventually([&] { return records_now(d) >= n; }));
  d.proc().signal(SIGKILL);
  const auto ended = d.proc().wait(10s);
  EXPECT_EQ(ended.signal, SIGKILL);
  auto reader = formats::edf_reader::open(file);
  ASSERT_TRUE(reader) << reader.err().message;
  EXPECT_EQ((*reader)->header().records, -1);  // never closed
  EXPECT_GE((*reader)->records(), static_cast<std::int64_t>(n));
  const auto mne = read_with_mne(file);
  ASSERT_FALSE(mne.meta.is_null());
  EXPECT_GE(mne.n_times, n * 64);
  EXPECT_EQ(mne.n_times, static_cast<std::size_t>((*reader)->records()) * 64);
}

// A full disk, simulated by lowering the daemon's RLIMIT_FSIZE while it
// records: writes fail with EFBIG (ENOSPC on a real disk takes the same
// path). The session stops with the reason in status; the file stays valid.
TEST(Sessions, AFullDiskStopsTheRecordingAndKeepsTheFileValid) {
  running_daemon d(recording_pipeline);
  const auto started = d.post("/api/sessions", R"({"participant": "full"})");
  ASSERT_EQ(started.status, 201) << started.body;
  const std::string file = body_of(started)["data_file"];
  ASSERT_TRUE(eventually([&] { return records_now(d) >= 2; }));
  const auto size = std::filesystem::file_size(file);
  // The soft limit only, so the test can lift it again: about two more records of 1026 bytes.
  const rlimit lim{size + 2000, RLIM_INFINITY};
  ASSERT_EQ(::prlimit(d.proc().pid(), RLIMIT_FSIZE, &lim, nullptr), 0);
  ASSERT_TRUE(eventually([&] { return d.get("/api/sessions/current").status == 404; }));
  const json st = d.status();
  EXPECT_NE(st["session"]["last_error"].get<std::string>().find("File too large"), std::string::npos) << st.dump();
  const json list = body_of(d.get("/api/sessions"));
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["state"], "failed");
  auto reader = formats::edf_reader::open(file);
  ASSERT_TRUE(reader) << reader.err().message;
  EXPECT_GE((*reader)->header().records, 2);
  EXPECT_EQ((*reader)->header().records, (*reader)->records());
  EXPECT_EQ((*reader)->trailing_bytes(), 0u);
  const auto mne = read_with_mne(file);
  ASSERT_FALSE(mne.meta.is_null());
  EXPECT_TRUE(mne.meta["warnings"].empty()) << mne.meta["warnings"].dump();
  // The daemon is still up and can start the next session.
  const rlimit unlimited{RLIM_INFINITY, RLIM_INFINITY};
  ASSERT_EQ(::prlimit(d.proc().pid(), RLIMIT_FSIZE, &unlimited, nullptr), 0);
  EXPECT_EQ(d.post("/api/sessions", R"({"participant": "next"})").status, 201);
}

}  // namespace
}  // namespace eegd::testing
