// The control plane of a real `eegd serve`: the merged view, JSON Patch, new
// pipelines while clients stay connected, saved state, tokens and /ws/control.
#include <gtest/gtest.h>
#include <signal.h>

#include <cmath>
#include <cstring>
#include <map>
#include <numbers>
#include <span>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "daemon/wire_format.hpp"
#include "support/daemon_fixture.hpp"

namespace eegd::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
namespace wire = daemon::wire;

// 4 kHz x 2 channels, 40-frame packets (100 a second): a pure 10 Hz sine in uV.
const std::string sine_stream =
    "name: control_test\n"
    "stages:\n"
    "  - synthetic: { channels: 2, rate: 4000, batch: 40, sine_hz: [10], sine_uv: [20], noise_uv: 0, line_uv: 0 }\n"
    "  - to_voltage: {}\n"
    "  - websocket_sink: { topic: eeg }\n";

const std::map<std::string, std::string> json_patch = {{"Content-Type", "application/json-patch+json"}};

http_result patch(const running_daemon& d, const json& ops, const std::string& query = {}) {
  return d.request("PATCH", "/api/pipeline" + query, ops.dump(), json_patch);
}

json replace(const std::string& path, const json& value) {
  return json::array({{{"op", "replace"}, {"path", path}, {"value", value}}});
}

// Follows one topic's packets: continuity, gaps and the samples of channel 0.
struct stream_follower {
  std::uint64_t packets = 0, gaps = 0, jumps = 0, next_frame = 0;
  std::uint16_t channels = 0;
  std::vector<float> channel0;

  void take(const ws_message& m) {
    const auto bytes = std::as_bytes(std::span(m.data.data(), m.data.size()));
    const auto h = wire::decode_header(bytes);
    ASSERT_TRUE(h) << "malformed packet";
    if (packets > 0 && h->first_frame != next_frame) ++jumps;
    if (h->flags & wire::flags::gap) ++gaps;
    next_frame = h->first_frame + h->frames;
    channels = h->channels;
    ++packets;
    std::vector<float> values(std::size_t{h->frames} * h->channels);
    std::memcpy(values.data(), m.data.data() + wire::header_bytes, values.size() * sizeof(float));
    for (std::uint32_t f = 0; f < h->frames; ++f) channel0.push_back(values[std::size_t{f} * h->channels]);
  }
  // Reads until `frames` more samples of channel 0 arrived (texts are skipped
  // unless `texts` collects them).
  void read_frames(ws_client& c, std::size_t frames, std::vector<json>* texts = nullptr) {
    const std::size_t goal = channel0.size() + frames;
    while (channel0.size() < goal) {
      auto m = c.read(5s);
      ASSERT_TRUE(m) << "stream stalled after " << packets << " packets";
      if (m->text) {
        if (texts) texts->push_back(json::parse(m->data));
        continue;
      }
      take(*m);
    }
  }
};

// Frequency of a sine from its zero crossings (rising and falling).
double crossing_frequency(std::span<const float> x, double rate) {
  std::size_t crossings = 0;
  for (std::size_t i = 1; i < x.size(); ++i)
    if ((x[i - 1] < 0) != (x[i] < 0)) ++crossings;
  return static_cast<double>(crossings) / 2.0 / (static_cast<double>(x.size()) / rate);
}

std::unique_ptr<ws_client> subscribed(const running_daemon& d, const std::string& topic) {
  auto c = d.subscribe("topic=" + topic);
  auto first = c->read(5s);
  EXPECT_TRUE(first && first->text) << "the topic description comes first";
  return c;
}

TEST(Control, ViewShowsEveryParameterWithItsEffectiveValue) {
  running_daemon d(sine_stream);
  const auto r = d.get("/api/pipeline");
  ASSERT_EQ(r.status, 200) << r.body;
  const json view = json::parse(r.body);
  EXPECT_EQ(view["name"], "control_test");
  EXPECT_EQ(view["order"], json::array({"synthetic", "to_voltage", "websocket_sink"}));
  EXPECT_EQ(view["stages"]["synthetic"]["rate"], 4000.0);
  EXPECT_EQ(view["stages"]["synthetic"]["sine_hz"], json::array({10.0}));
  EXPECT_EQ(view["stages"]["synthetic"]["vref"], 4.5) << "defaults are filled in";
  EXPECT_EQ(view["stages"]["to_voltage"]["inputs"], json::array({"synthetic"}));
  EXPECT_TRUE(view["overrides"].empty());
}

TEST(Control, LiveChangeReachesTheStreamWithoutAGapOrRestart) {
  running_daemon d(sine_stream);
  auto c = subscribed(d, "eeg");
  stream_follower s;
  s.read_frames(*c, 4000);
  EXPECT_NEAR(crossing_frequency(s.channel0, 4000), 10.0, 0.5);

  const auto r = patch(d, replace("/stages/synthetic/sine_hz", {40}));
  ASSERT_EQ(r.status, 200) << r.body;
  const json answer = json::parse(r.body);
  EXPECT_EQ(answer["applied"][0]["param"], "sine_hz");
  EXPECT_EQ(answer["view"]["overrides"]["synthetic"]["sine_hz"], json::array({40.0}));

  // The change lands between two packets, within a few packets of the answer;
  // one second of what follows is the new sine.
  s.read_frames(*c, 400);
  const std::size_t from = s.channel0.size();
  s.read_frames(*c, 4000);
  EXPECT_NEAR(crossing_frequency(std::span(s.channel0).subspan(from), 4000), 40.0, 1.0);
  EXPECT_EQ(s.gaps, 0u);
  EXPECT_EQ(s.jumps, 0u) << "a live change must not restart the stream";
}

// Amplitude of the `hz` component of `x` (sampled at `rate`): one DFT bin over
// a whole number of periods, so neighbouring tones do not leak into it.
double tone_amplitude(std::span<const float> x, double rate, double hz) {
  double re = 0, im = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double phase = 2 * std::numbers::pi * hz * static_cast<double>(i) / rate;
    re += x[i] * std::cos(phase);
    im -= x[i] * std::sin(phase);
  }
  return 2 * std::hypot(re, im) / static_cast<double>(x.size());
}

TEST(Control, LiveNotchChangeRemovesTheOtherMainsFrequency) {
  // 60 Hz mains over a 10 Hz "alpha" sine, behind a notch set for 50 Hz.
  running_daemon d(
      "stages:\n"
      "  - synthetic: { channels: 2, rate: 1000, batch: 10, sine_hz: [10], sine_uv: [20],\n"
      "                 line_hz: 60, line_uv: 50, noise_uv: 0 }\n"
      "  - to_voltage: {}\n"
      "  - notch: { hz: 50, q: 30 }\n"
      "  - websocket_sink: { topic: eeg }\n");
  auto c = subscribed(d, "eeg");
  stream_follower s;
  s.read_frames(*c, 500);  // the filter's start-up transient
  std::size_t from = s.channel0.size();
  s.read_frames(*c, 1000);
  const auto before = std::span(s.channel0).subspan(from, 1000);
  EXPECT_NEAR(tone_amplitude(before, 1000, 60), 50.0, 2.5) << "a 50 Hz notch leaves 60 Hz alone";
  EXPECT_NEAR(tone_amplitude(before, 1000, 10), 20.0, 1.0);

  ASSERT_EQ(patch(d, replace("/stages/notch/hz", 60)).status, 200);
  s.read_frames(*c, 1000);  // the change lands and the notch settles (time constant ~0.2 s)
  from = s.channel0.size();
  s.read_frames(*c, 1000);
  const auto after = std::span(s.channel0).subspan(from, 1000);
  EXPECT_LT(tone_amplitude(after, 1000, 60), 50.0 * 0.01) << "at least 40 dB down";
  EXPECT_NEAR(tone_amplitude(after, 1000, 10), 20.0, 1.0) << "the EEG band is untouched";
  EXPECT_EQ(s.gaps, 0u);
  EXPECT_EQ(s.jumps, 0u) << "no restart";
}

TEST(Control, ChangesUpstreamOfARecordingAreRefusedUntilItStops) {
  running_daemon d(
      "stages:\n"
      "  - synthetic: { channels: 2, rate: 1000, batch: 10 }\n"
      "  - to_voltage: {}\n"
      "  - websocket_sink: { topic: eeg }\n"
      "  - recorder: { inputs: synthetic, format: bdf }\n");
  auto r = d.post("/api/sessions", json{{"participant", "p01"}}.dump(), {{"Content-Type", "application/json"}});
  ASSERT_LT(r.status, 300) << r.body;
  r = patch(d, replace("/stages/synthetic/sine_hz", {12}));
  ASSERT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(json::parse(r.body)["error"], "locked");
  EXPECT_EQ(json::parse(r.body)["by"], "recorder");
  r = patch(d, replace("/stages/synthetic/channels", 4), "?restart=1");
  EXPECT_EQ(r.status, 409) << "a restart would end the recording: " << r.body;
  EXPECT_EQ(d.post("/api/pipeline/shutdown", "").status, 409);
  json view = json::parse(d.get("/api/pipeline").body);
  EXPECT_EQ(view["stages"]["synthetic"]["sine_hz"], json::array({10.0})) << "nothing applied";
  EXPECT_EQ(view["stages"]["synthetic"]["channels"], 2);

  ASSERT_LT(d.post("/api/sessions/current/stop", "").status, 300);
  r = patch(d, replace("/stages/synthetic/sine_hz", {12}));
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST(Control, OutOfRangeValueIs400NamingStageAndParameterAndNothingChanges) {
  running_daemon d(sine_stream);
  auto r = patch(d, replace("/stages/synthetic/sine_hz", {-5}));
  ASSERT_EQ(r.status, 400) << r.body;
  json j = json::parse(r.body);
  EXPECT_EQ(j["stage"], "synthetic");
  EXPECT_EQ(j["param"], "sine_hz");
  EXPECT_NE(j["error"].get<std::string>().find("0"), std::string::npos) << "names the allowed range: " << j;

  // Atomic: a valid first operation is not applied when the second fails.
  json ops = replace("/stages/synthetic/sine_uv", {50});
  ops.push_back({{"op", "replace"}, {"path", "/stages/nosuch/hz"}, {"value", 1}});
  r = patch(d, ops);
  EXPECT_EQ(r.status, 400) << r.body;
  const json view = json::parse(d.get("/api/pipeline").body);
  EXPECT_EQ(view["stages"]["synthetic"]["sine_uv"], json::array({20.0}));
  EXPECT_TRUE(view["overrides"].empty());
}

TEST(Control, NonLiveChangeNeedsARestartWhichTheClientMayAskFor) {
  running_daemon d(sine_stream);
  auto r = patch(d, replace("/stages/synthetic/channels", 4));
  ASSERT_EQ(r.status, 409) << r.body;
  EXPECT_TRUE(json::parse(r.body)["restart_needed"].get<bool>());

  auto c = subscribed(d, "eeg");
  r = patch(d, replace("/stages/synthetic/channels", 4), "?restart=1");
  ASSERT_EQ(r.status, 200) << r.body;
  // The subscriber stays connected: it is told the new shape, then gets it.
  stream_follower s;
  std::vector<json> texts;
  while (s.channels != 4) s.read_frames(*c, 1, &texts);
  ASSERT_FALSE(texts.empty());
  EXPECT_EQ(texts.back()["channels"].size(), 4u);
  EXPECT_EQ(json::parse(d.get("/api/pipeline").body)["stages"]["synthetic"]["channels"], 4);
}

TEST(Control, NewPipelineReplacesTheOldOneWhileClientsStayConnected) {
  running_daemon d(sine_stream);
  auto c = subscribed(d, "eeg");
  stream_follower s;
  s.read_frames(*c, 400);
  const std::string next =
      "name: replacement\n"
      "stages:\n"
      "  - synthetic: { channels: 3, rate: 1000, batch: 10, sine_hz: [25], noise_uv: 0, line_uv: 0 }\n"
      "  - to_voltage: {}\n"
      "  - websocket_sink: { topic: eeg }\n";
  const auto r = d.post("/api/pipeline/start", next, {{"Content-Type", "application/yaml"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["name"], "replacement");
  std::vector<json> texts;
  while (s.channels != 3) s.read_frames(*c, 1, &texts);
  ASSERT_FALSE(texts.empty());
  EXPECT_EQ(texts.back()["rate_hz"], 1000.0);
  const std::size_t from = s.channel0.size();
  s.read_frames(*c, 1000);
  EXPECT_NEAR(crossing_frequency(std::span(s.channel0).subspan(from), 1000), 25.0, 1.0);
  EXPECT_EQ(json::parse(d.get("/api/pipeline").body)["name"], "replacement");
}

TEST(Control, InvalidYamlIs400WithLineAndColumnAndTheRunningPipelineIsUntouched) {
  running_daemon d(sine_stream);
  auto c = subscribed(d, "eeg");
  stream_follower s;
  s.read_frames(*c, 400);
  const std::string bad =
      "stages:\n"
      "  - synthetic: { channels: 2 }\n"
      "  - lowpas: { hz: 40 }\n";
  const auto r = d.post("/api/pipeline/start", bad, {{"Content-Type", "application/yaml"}});
  ASSERT_EQ(r.status, 400) << r.body;
  const json j = json::parse(r.body);
  EXPECT_EQ(j["line"], 3);
  EXPECT_EQ(j["col"], 5);
  EXPECT_NE(j["error"].get<std::string>().find("lowpas"), std::string::npos) << j;
  // The connected client never notices: the stream goes on without a gap.
  s.read_frames(*c, 2000);
  EXPECT_EQ(s.gaps, 0u);
  EXPECT_EQ(s.jumps, 0u);
  EXPECT_EQ(json::parse(d.get("/api/pipeline").body)["name"], "control_test");
}

TEST(Control, ShutdownStopsThePipelineAndAnEmptyStartRestartsItWithItsOverrides) {
  running_daemon d(sine_stream);
  ASSERT_EQ(patch(d, replace("/stages/synthetic/sine_hz", {30})).status, 200);
  auto r = d.post("/api/pipeline/shutdown", "");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["state"], "stopped");
  EXPECT_EQ(d.status()["pipeline"]["state"], "stopped");
  r = d.post("/api/pipeline/start", "");
  ASSERT_EQ(r.status, 200) << r.body;
  auto c = subscribed(d, "eeg");
  stream_follower s;
  s.read_frames(*c, 4000);
  EXPECT_NEAR(crossing_frequency(s.channel0, 4000), 30.0, 1.0);
}

TEST(Control, PresetsAreListedAndLoadable) {
  running_daemon d(sine_stream);
  const json presets = json::parse(d.get("/api/presets").body);
  ASSERT_TRUE(std::find(presets.begin(), presets.end(), "default") != presets.end()) << presets;
  auto r = d.post("/api/pipeline/start?preset=default", "");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(d.get("/api/pipeline").body)["file"].get<std::string>().find("default.yaml") !=
                std::string::npos,
            true);
  r = d.post("/api/pipeline/start?preset=nosuch", "");
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_NE(r.body.find("default"), std::string::npos) << "lists the presets: " << r.body;
}

TEST(Control, LiveChangesSurviveACleanRestart) {
  running_daemon d(sine_stream);
  ASSERT_EQ(patch(d, replace("/stages/synthetic/sine_hz", {33})).status, 200);
  d.restart_from_saved_state(SIGTERM);
  const json view = json::parse(d.get("/api/pipeline").body);
  EXPECT_EQ(view["name"], "control_test");
  EXPECT_EQ(view["stages"]["synthetic"]["sine_hz"], json::array({33.0}));
}

TEST(Control, LiveChangesSurviveSigkill) {
  running_daemon d(sine_stream);
  ASSERT_EQ(patch(d, replace("/stages/synthetic/sine_hz", {17})).status, 200);
  d.restart_from_saved_state(SIGKILL);
  const json view = json::parse(d.get("/api/pipeline").body);
  EXPECT_EQ(view["stages"]["synthetic"]["sine_hz"], json::array({17.0}));
  EXPECT_EQ(d.status()["pipeline"]["state"], "running");
}

TEST(Control, CorruptSavedPipelineIsSetAsideAndTheDefaultRuns) {
  running_daemon d(sine_stream);
  ASSERT_EQ(patch(d, replace("/stages/synthetic/sine_hz", {17})).status, 200);
  d.stop(SIGKILL);
  const std::string saved = d.state_dir() + "/pipeline.yaml";
  ASSERT_TRUE(std::filesystem::exists(saved));
  temp_dir scratch;
  scratch.write("corrupt", "stages:\n  - synthetic: { channels: [oops\n");
  std::filesystem::copy_file(scratch.file("corrupt"), saved, std::filesystem::copy_options::overwrite_existing);
  d.start_from_saved_state();
  EXPECT_EQ(json::parse(d.get("/api/pipeline").body)["name"], "default");
  EXPECT_EQ(d.status()["pipeline"]["state"], "running");
  bool set_aside = false;
  for (const auto& e : std::filesystem::directory_iterator(d.state_dir()))
    if (e.path().filename().string().starts_with("pipeline.yaml.corrupt-")) set_aside = true;
  EXPECT_TRUE(set_aside) << "the corrupt file is kept for a human to read";
  EXPECT_NE((d.proc().out() + d.proc().err()).find("pipeline.yaml"), std::string::npos) << "and reported";
}

TEST(Control, ControlSocketSendsTheViewAndAnswersPatches) {
  running_daemon d(sine_stream);
  ws_client c(d.host(), d.port(), "/ws/control");
  auto first = c.read(5s);
  ASSERT_TRUE(first && first->text);
  json j = json::parse(first->data);
  EXPECT_EQ(j["type"], "pipeline");
  EXPECT_EQ(j["view"]["name"], "control_test");

  c.send_text(json{{"id", 7}, {"patch", replace("/stages/synthetic/sine_hz", {12})}}.dump());
  c.send_text(json{{"id", 8}, {"patch", replace("/stages/synthetic/sine_hz", {-1})}}.dump());
  std::map<int, json> results;
  bool saw_new_view = false;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while ((results.size() < 2 || !saw_new_view) && std::chrono::steady_clock::now() < deadline) {
    auto m = c.read(5s);
    ASSERT_TRUE(m);
    j = json::parse(m->data);
    if (j["type"] == "result") results[j["id"].get<int>()] = j;
    if (j["type"] == "pipeline" && j["view"]["stages"]["synthetic"]["sine_hz"] == json::array({12.0}))
      saw_new_view = true;
  }
  ASSERT_EQ(results.size(), 2u);
  EXPECT_TRUE(results[7]["ok"].get<bool>()) << results[7];
  EXPECT_FALSE(results[8]["ok"].get<bool>());
  EXPECT_EQ(results[8]["status"], 400);
  EXPECT_EQ(results[8]["param"], "sine_hz");
  EXPECT_TRUE(saw_new_view) << "every editor hears about a change";
}

TEST(Control, ChangesFromAForeignPageAreRefused) {
  running_daemon d(sine_stream);
  const auto r = d.request("PATCH", "/api/pipeline", replace("/stages/synthetic/sine_hz", {12}).dump(),
                           {{"Origin", "http://evil.example"}, {"Content-Type", "application/json-patch+json"}});
  EXPECT_EQ(r.status, 403) << r.body;
}

TEST(Control, TokenGuardsEveryRequestBeyondLoopback) {
  running_daemon d(sine_stream, {"--http", "0.0.0.0:0", "--token", "s3cret"});
  auto r = d.get("/api/status");
  EXPECT_EQ(r.status, 401);
  EXPECT_TRUE(r.headers.contains("www-authenticate"));
  EXPECT_EQ(d.get("/api/status", {{"Authorization", "Bearer wrong"}}).status, 401);
  EXPECT_EQ(d.get("/api/status", {{"Authorization", "Bearer s3cret"}}).status, 200);
  // The link printed at start-up logs a browser in with a cookie.
  EXPECT_TRUE(d.proc().wait_for_output("/?token=s3cret", 5s)) << d.proc().out();
  r = d.get("/?token=s3cret");
  EXPECT_EQ(r.status, 302);
  ASSERT_TRUE(r.headers.contains("set-cookie"));
  const std::string cookie = r.headers["set-cookie"].substr(0, r.headers["set-cookie"].find(';'));
  EXPECT_EQ(cookie, "eegd_token=s3cret");
  EXPECT_NE(r.headers["set-cookie"].find("HttpOnly"), std::string::npos);
  EXPECT_EQ(d.get("/api/status", {{"Cookie", cookie}}).status, 200);
  EXPECT_THROW(ws_client(d.host(), d.port(), "/ws/data?topic=eeg"), std::runtime_error);
}

TEST(Control, PublicReadLetsReadersInButNotWriters) {
  running_daemon d(sine_stream, {"--http", "0.0.0.0:0", "--token", "s3cret", "--public-read"});
  EXPECT_EQ(d.get("/api/status").status, 200);
  EXPECT_NO_THROW(subscribed(d, "eeg"));
  EXPECT_EQ(patch(d, replace("/stages/synthetic/sine_hz", {12})).status, 401);
  EXPECT_EQ(d.request("PATCH", "/api/pipeline", replace("/stages/synthetic/sine_hz", {12}).dump(),
                      {{"Authorization", "Bearer s3cret"}, {"Content-Type", "application/json-patch+json"}})
                .status,
            200);
}

TEST(Control, GeneratedTokenIsKeptInTheStateDir) {
  running_daemon d(sine_stream, {"--http", "0.0.0.0:0"});
  const std::string token_file = d.state_dir() + "/token";
  ASSERT_TRUE(std::filesystem::exists(token_file));
  EXPECT_EQ(std::filesystem::status(token_file).permissions() & std::filesystem::perms::others_read,
            std::filesystem::perms::none);
  std::string token = read_file(token_file);
  while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back()))) token.pop_back();
  EXPECT_GE(token.size(), 32u);
  EXPECT_EQ(d.get("/api/status", {{"Authorization", "Bearer " + token}}).status, 200);
}

}  // namespace
}  // namespace eegd::testing
