// The first stages checked against known answers: what the synthetic source
// generates, how to_voltage scales it, what csv_sink writes.
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <fstream>
#include <numbers>
#include <sstream>

#include "config/pipeline_builder.hpp"
#include "config/yaml_reader.hpp"
#include "core/executor.hpp"
#include "core/testing/test_stages.hpp"
#include "eegd/recording.hpp"
#include "formats/edf_reader.hpp"
#include "stages/builtin_stages.hpp"
#include "stages/sinks/null_sink.hpp"

namespace eegd::stages {
namespace {

using testing::capture_sink;

// Builds a pipeline from YAML (builtin + test stages) and runs `seconds` of
// data through it as fast as possible.
class pipeline_run {
 public:
  pipeline_run(const std::string& yaml, double seconds, const std::string& base_dir = "/tmp",
               recorder_registry* recorders = nullptr) {
    register_builtin_stages(registry_);
    testing::register_test_stages(registry_);
    auto read = config::read_pipeline_yaml(yaml, "test.yaml", base_dir, registry_);
    for (const auto& e : read.errors) ADD_FAILURE() << e.to_string();
    if (!read.doc) return;
    core::build_env env;
    env.sensors = &sensors_;
    env.recorders = recorders;
    auto built = config::build_pipeline(*read.doc, registry_, env);
    for (const auto& e : built.errors) ADD_FAILURE() << e.to_string();
    if (!built.graph) return;
    core::executor_options options;
    options.duration_ns = static_cast<std::int64_t>(seconds * 1e9);
    exec_ = std::make_unique<core::executor>(std::move(*built.graph), options);
    exec_->start();
    EXPECT_TRUE(exec_->wait_until(monotonic_ns() + 60'000'000'000));
    EXPECT_EQ(exec_->state(), core::pipeline_state::stopped) << exec_->failure();
  }
  template <class S>
  S& stage(const std::string& name) {
    const auto& g = exec_->graph();
    return dynamic_cast<core::stage_adapter<S>&>(*g.nodes.at(g.index_of(name)).spec.stage).stage();
  }
  const stream_info& output_of(const std::string& name) {
    const auto& g = exec_->graph();
    return g.nodes.at(g.index_of(name)).output;
  }

 private:
  core::stage_registry registry_;
  core::sensor_store sensors_;
  std::unique_ptr<core::executor> exec_;
};

constexpr double lsb_uv_gain24 = 4.5 / (24.0 * 8388608.0) * 1e6;  // ADS1299: VREF / (gain * 2^23)

TEST(Synthetic, SinesMatchTheirFormulaToOneLsb) {
  pipeline_run run(
      "stages:\n"
      "  - synthetic: { channels: 3, rate: 1000, batch: 7, realtime: false, sine_hz: [10, 25, 0.5],\n"
      "                 sine_uv: [100, 50, 2000], noise_uv: 0, line_uv: 0 }\n"
      "  - to_voltage: {}\n"
      "  - capture_sink: { name: out }\n",
      3.0);
  const auto x = run.stage<capture_sink>("out").samples();
  ASSERT_EQ(x.size(), 3u * 3003);  // 3 s rounded up to whole 7-frame packets
  const double hz[3] = {10, 25, 0.5}, uv[3] = {100, 50, 2000};
  double worst = 0;
  for (std::size_t f = 0; f < x.size() / 3; ++f)
    for (std::size_t c = 0; c < 3; ++c) {
      const double expect = uv[c] * std::sin(2 * std::numbers::pi * hz[c] * static_cast<double>(f) / 1000.0);
      worst = std::max(worst, std::abs(x[f * 3 + c] - expect));
    }
  // Quantisation (half an LSB) plus float32 rounding of values up to 2000 uV.
  EXPECT_LE(worst, 0.5 * lsb_uv_gain24 + 2000 * 6e-8) << "worst deviation in uV";
}

TEST(Synthetic, SameSeedSameDataOtherSeedOtherData) {
  auto capture = [](int seed) {
    pipeline_run run("stages:\n  - synthetic: { channels: 4, rate: 500, realtime: false, seed: " +
                         std::to_string(seed) + " }\n  - capture_sink: { name: out }\n",
                     1.0);
    return run.stage<capture_sink>("out").samples();
  };
  const auto a = capture(1), b = capture(1), c = capture(2);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

// Power in [lo, hi) Hz of one channel, from averaged periodograms.
double band_power(const std::vector<double>& x, std::size_t channels, std::size_t channel, double rate, double lo,
                  double hi) {
  constexpr std::size_t n = 1024;
  const std::size_t frames = x.size() / channels;
  double power = 0;
  for (std::size_t start = 0; start + n <= frames; start += n) {
    for (std::size_t k = 1; k < n / 2; ++k) {
      const double f = static_cast<double>(k) * rate / n;
      if (f < lo || f >= hi) continue;
      std::complex<double> acc = 0;
      for (std::size_t i = 0; i < n; ++i)
        acc += x[(start + i) * channels + channel] * std::polar(1.0, -2 * std::numbers::pi * double(k * i) / n);
      power += std::norm(acc);
    }
  }
  return power;
}

TEST(Synthetic, NoiseIsPinkWithTheRequestedRms) {
  pipeline_run run(
      "stages:\n"
      "  - synthetic: { channels: 2, rate: 256, realtime: false, sine_uv: 0, line_uv: 0, noise_uv: 10 }\n"
      "  - to_voltage: {}\n"
      "  - capture_sink: { name: out }\n",
      80.0);
  const auto x = run.stage<capture_sink>("out").samples();
  double mean = 0, sq = 0;
  for (std::size_t i = 0; i < x.size(); i += 2) mean += x[i];
  mean /= static_cast<double>(x.size() / 2);
  for (std::size_t i = 0; i < x.size(); i += 2) sq += (x[i] - mean) * (x[i] - mean);
  EXPECT_NEAR(std::sqrt(sq / static_cast<double>(x.size() / 2)), 10.0, 1.5);
  // 1/f: every octave holds about the same power (white noise: 8x between these two).
  const double low = band_power(x, 2, 0, 256, 2, 4), high = band_power(x, 2, 0, 256, 16, 32);
  EXPECT_GT(high / low, 0.4);
  EXPECT_LT(high / low, 2.5);
}

TEST(Synthetic, DroppedPacketsLeaveAFlaggedGapInFrameIndices) {
  pipeline_run run("stages:\n  - synthetic: { rate: 1000, batch: 10, realtime: false, drop_every: 5 }\n"
                   "  - capture_sink: { name: out }\n",
                   1.0);
  const auto h = run.stage<capture_sink>("out").headers();
  // Packets 5, 10, ... 100 never arrive; packet 100 would have reached 1 s, so
  // the source stops after the next one it does emit: 101 - 20 = 81.
  ASSERT_EQ(h.size(), 81u);
  std::size_t gaps = 0;
  for (std::size_t i = 1; i < h.size(); ++i) {
    const bool jumped = h[i].first_frame != h[i - 1].first_frame + 10;
    EXPECT_EQ(jumped, h[i].has_gap()) << "packet " << i;
    if (jumped) {
      EXPECT_EQ(h[i].first_frame, h[i - 1].first_frame + 20);
      ++gaps;
    }
  }
  EXPECT_EQ(gaps, 20u);
}

TEST(Synthetic, TimestampsFollowFrameIndexOverRate) {
  pipeline_run run("stages:\n  - synthetic: { rate: 250, batch: 8, realtime: false }\n  - capture_sink: { name: out }\n",
                   2.0);
  const auto h = run.stage<capture_sink>("out").headers();
  ASSERT_GT(h.size(), 10u);
  for (const auto& p : h) {
    EXPECT_EQ(p.rate_hz, 250.0);
    EXPECT_NEAR(static_cast<double>(p.t0_ns - h[0].t0_ns), static_cast<double>(p.first_frame) * 4e6, 1.0);
    EXPECT_EQ(p.sensor_id, h[0].sensor_id);
    EXPECT_GE(p.meta_rev, 1u);
  }
}

TEST(ToVoltage, ScalesCountsByVrefOverGainTimesTwoToThe23) {
  pipeline_run run(
      "stages:\n"
      "  - synthetic: { channels: 2, rate: 500, realtime: false, gain: 6 }\n"
      "  - to_voltage: { keep_raw: true }\n"
      "  - capture_sink: { name: both }\n"
      "  - capture_sink: { name: raw, inputs: synthetic }\n",
      0.5);
  const auto raw = run.stage<capture_sink>("raw").samples();
  const auto uv = run.stage<capture_sink>("both").samples();
  ASSERT_EQ(raw.size(), uv.size());
  const double lsb = 4.5 / (6.0 * 8388608.0) * 1e6;
  for (std::size_t i = 0; i < raw.size(); ++i) ASSERT_NEAR(uv[i], raw[i] * lsb, std::abs(raw[i] * lsb) * 1e-6 + 1e-9);
  const stream_info& out = run.output_of("to_voltage");
  EXPECT_EQ(out.kind, packet_kind::raw_and_voltage);
  EXPECT_EQ(out.units[0], "uV");
  EXPECT_EQ(out.channel_names, (std::vector<std::string>{"Fp1", "Fp2"}));
}

TEST(CsvSink, WritesHeaderFrameIndexTimeAndValues) {
  const std::string dir = std::string(EEGD_BINARY_DIR);
  pipeline_run run(
      "stages:\n"
      "  - synthetic: { channels: 2, rate: 100, batch: 10, realtime: false, channel_names: [Cz, Pz] }\n"
      "  - to_voltage: {}\n"
      "  - csv_sink: { path: csv_sink_test.csv }\n"
      "  - capture_sink: { name: copy }\n",
      1.0, dir);
  const auto x = run.stage<capture_sink>("copy").samples();
  std::ifstream in(dir + "/csv_sink_test.csv");
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  EXPECT_EQ(line, "frame,time_s,Cz,Pz");
  std::size_t rows = 0;
  double first_time = 0;
  while (std::getline(in, line)) {
    std::istringstream row(line);
    std::string frame, time, a, b;
    std::getline(row, frame, ',');
    std::getline(row, time, ',');
    std::getline(row, a, ',');
    std::getline(row, b, ',');
    EXPECT_EQ(std::stoull(frame), rows);
    if (rows == 0) first_time = std::stod(time);
    EXPECT_NEAR(std::stod(time) - first_time, static_cast<double>(rows) * 0.01, 2e-6);
    EXPECT_NEAR(std::stod(a), x[rows * 2], std::abs(x[rows * 2]) * 1e-6 + 1e-6);
    EXPECT_NEAR(std::stod(b), x[rows * 2 + 1], std::abs(x[rows * 2 + 1]) * 1e-6 + 1e-6);
    ++rows;
  }
  EXPECT_EQ(rows, 100u);
  std::remove((dir + "/csv_sink_test.csv").c_str());
}

TEST(CsvSink, TimestampAndMarkerColumnsShowTimeAndLostFrames) {
  const std::string dir = std::string(EEGD_BINARY_DIR);
  pipeline_run run(
      "stages:\n"
      "  - synthetic: { channels: 1, rate: 100, batch: 10, realtime: false, drop_every: 3, channel_names: [Cz] }\n"
      "  - csv_sink: { path: csv_markers_test.csv, timestamp: true, markers: true }\n",
      1.0, dir);
  std::ifstream in(dir + "/csv_markers_test.csv");
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  EXPECT_EQ(line, "frame,time_s,timestamp,Cz,marker");
  std::vector<std::vector<std::string>> rows;
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::istringstream row(line);
    for (std::string c; std::getline(row, c, ',');) cells.push_back(c);
    if (line.back() == ',') cells.emplace_back();
    rows.push_back(cells);
  }
  ASSERT_GE(rows.size(), 21u);
  EXPECT_EQ(rows[19][0], "19");
  EXPECT_EQ(rows[20][0], "30");  // packet 3 (frames 20..29) was dropped
  EXPECT_EQ(rows[20][4], "gap:10");
  EXPECT_EQ(rows[19][4], "");
  EXPECT_EQ(rows[0][4], "");
  for (const auto& r : rows) {
    ASSERT_EQ(r.size(), 5u);
    const std::string& iso = r[2];
    ASSERT_EQ(iso.size(), 27u) << iso;  // YYYY-mm-ddTHH:MM:SS.uuuuuuZ
    EXPECT_EQ(iso[10], 'T');
    EXPECT_EQ(iso.back(), 'Z');
    EXPECT_EQ(iso.substr(20, 6), r[1].substr(r[1].find('.') + 1)) << "the same microseconds as time_s";
  }
  std::remove((dir + "/csv_markers_test.csv").c_str());
}

TEST(CsvSink, RejectsLeavingEveryColumnOut) {
  core::stage_registry registry;
  register_builtin_stages(registry);
  auto read = config::read_pipeline_yaml("stages:\n  - synthetic: {}\n  - csv_sink: { path: x.csv, raw: false }\n",
                                         "test.yaml", "/tmp", registry);
  ASSERT_TRUE(read.doc);
  core::sensor_store sensors;
  core::build_env env;
  env.sensors = &sensors;
  env.dry_run = true;
  auto built = config::build_pipeline(*read.doc, registry, env);
  ASSERT_FALSE(built.graph);
  EXPECT_NE(built.errors.front().to_string().find("leaves nothing to write"), std::string::npos)
      << built.errors.front().to_string();
}

// Starts a recorder the moment it attaches, as a session would.
struct auto_start_registry final : recorder_registry {
  std::string path;
  status started = error{"never attached", {}};
  void attach(std::string_view, recorder_handle& r) override { started = r.start({path, "T01"}); }
  void detach(recorder_handle&) noexcept override {}
};

TEST(Recorder, WritesCountsAndAnnotatesLostFrames) {
  const std::string dir = std::string(EEGD_BINARY_DIR);
  auto_start_registry registry;
  registry.path = dir + "/recorder_test.bdf";
  {
    pipeline_run run(
        "stages:\n"
        "  - synthetic: { channels: 2, rate: 256, batch: 16, realtime: false, drop_every: 4, channel_names: [Cz, Pz] }\n"
        "  - recorder: { format: bdf }\n",
        2.0, dir, &registry);
    ASSERT_TRUE(registry.started) << registry.started.err().message;
  }
  auto r = formats::edf_reader::open(registry.path);
  ASSERT_TRUE(r) << r.err().message;
  EXPECT_EQ((*r)->header().patient, "T01 X X X");
  EXPECT_EQ((*r)->header().signals[1].label, "Pz");
  EXPECT_EQ((*r)->header().records, (*r)->records());  // closed when the pipeline ended
  EXPECT_GE((*r)->records(), 8);                         // 2 s of 0.25 s records, gaps filled
  auto ann = (*r)->read_annotations();
  ASSERT_TRUE(ann) << ann.err().message;
  ASSERT_FALSE(ann->empty());
  EXPECT_EQ((*ann)[0].text, "gap: 16 frames lost");
  EXPECT_NEAR((*ann)[0].onset_s, 48.0 / 256, 1e-6);  // packet 4 (frames 48..63) never arrived
  // The recorded counts are the digital values: frame 0 of Cz equals what the source made.
  std::vector<std::vector<std::int32_t>> rec;
  ASSERT_TRUE((*r)->read_record(0, rec));
  EXPECT_NE(rec[0][0], 0);
  const auto& cz = (*r)->header().signals[0];
  EXPECT_LE(std::abs(cz.to_physical(rec[0][48])), cz.gain());  // the gap is filled with 0 uV (to one LSB)
  std::remove(registry.path.c_str());
}

TEST(Registry, BuiltinStagesUseNoReservedKeysAndUniqueNames) {
  core::stage_registry r;
  register_builtin_stages(r);
  for (const auto& t : r.types())
    for (const auto& p : t.params)
      for (const auto& reserved : config::common_stage_keys()) EXPECT_NE(p.name, reserved) << t.name;
  EXPECT_THROW(r.add<null_sink>("synthetic", "a second type with a taken name"), std::logic_error);
}

}  // namespace
}  // namespace eegd::stages
