// The ads1299 source against its emulator, through the real pipeline: values
// in microvolts after to_voltage, gaps from missed DRDYs, SPI errors under the
// stage's error policy, drift figures and the sensor meta.
#include "stages/sources/ads1299.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <thread>

#include "config/pipeline_builder.hpp"
#include "config/yaml_reader.hpp"
#include "core/executor.hpp"
#include "core/sensor_store.hpp"
#include "core/testing/test_stages.hpp"
#include "stages/builtin_stages.hpp"

namespace eegd::stages {
namespace {

using testing::capture_sink;

// Runs `seconds` of data of a YAML pipeline (builtin + test stages) and keeps
// the executor for inspection.
class run_pipeline {
 public:
  // seconds < 0: start and return; the caller stops the pipeline.
  run_pipeline(const std::string& yaml, double seconds, core::sensor_store* sensors = nullptr)
      : sensors_(sensors ? sensors : &own_sensors_) {
    register_builtin_stages(registry_);
    testing::register_test_stages(registry_);
    auto read = config::read_pipeline_yaml(yaml, "test.yaml", "/tmp", registry_);
    for (const auto& e : read.errors) errors_ += e.to_string() + "\n";
    if (!read.doc) return;
    core::build_env env;
    env.sensors = sensors_;
    auto built = config::build_pipeline(*read.doc, registry_, env);
    for (const auto& e : built.errors) errors_ += e.to_string() + "\n";
    if (!built.graph) return;
    core::executor_options options;
    options.duration_ns = seconds < 0 ? -1 : static_cast<std::int64_t>(seconds * 1e9);
    exec_ = std::make_unique<core::executor>(std::move(*built.graph), options);
    exec_->start();
    if (seconds >= 0) {
      EXPECT_TRUE(exec_->wait_until(monotonic_ns() + 60'000'000'000));
    }
  }
  const std::string& errors() const { return errors_; }
  core::executor& exec() { return *exec_; }
  template <class S>
  S& stage(const std::string& name) {
    const auto& g = exec_->graph();
    return dynamic_cast<core::stage_adapter<S>&>(*g.nodes.at(g.index_of(name)).spec.stage).stage();
  }
  const stream_info& output_of(const std::string& name) {
    const auto& g = exec_->graph();
    return g.nodes.at(g.index_of(name)).output;
  }
  double figure(const std::string& node, const std::string& key) {
    for (const auto& n : exec_->stats().nodes)
      if (n.name == node)
        for (const auto& f : n.figures)
          if (f.key == key) return f.number.value_or(NAN);
    ADD_FAILURE() << "no figure " << key << " on " << node;
    return NAN;
  }
  std::string text_figure(const std::string& node, const std::string& key) {
    for (const auto& n : exec_->stats().nodes)
      if (n.name == node)
        for (const auto& f : n.figures)
          if (f.key == key) return f.text;
    return {};
  }

 private:
  core::stage_registry registry_;
  core::sensor_store own_sensors_;
  core::sensor_store* sensors_;
  std::string errors_;
  std::unique_ptr<core::executor> exec_;
};

TEST(Ads1299Stage, InjectedSinesComeOutInMicrovoltsAfterToVoltage) {
  run_pipeline run(
      "stages:\n"
      "  - ads1299: { emulator: true, realtime: false, rate: 1000, gain: [24, 12, 8, 6, 4, 2, 1, 24],\n"
      "               emu_sine_hz: [10, 25], emu_sine_uv: [100, 200, 300, 400, 500, 600, 700, 800] }\n"
      "  - to_voltage: {}\n"
      "  - capture_sink: { name: out }\n",
      1.0);
  ASSERT_EQ(run.errors(), "");
  ASSERT_EQ(run.exec().state(), core::pipeline_state::stopped) << run.exec().failure();
  const auto x = run.stage<capture_sink>("out").samples();
  ASSERT_EQ(x.size(), 8u * 1000);
  const double gain[8] = {24, 12, 8, 6, 4, 2, 1, 24};
  for (std::size_t c = 0; c < 8; ++c) {
    const double lsb = 4.5 / (gain[c] * 8388608.0) * 1e6, uv = 100.0 * double(c + 1), hz = c % 2 ? 25 : 10;
    double worst = 0;
    for (std::size_t f = 0; f < 1000; ++f)
      worst = std::max(worst, std::abs(x[f * 8 + c] - uv * std::sin(2 * std::numbers::pi * hz * double(f) / 1000)));
    EXPECT_LE(worst, 0.5 * lsb + uv * 1e-7) << "channel " << c + 1;
  }
  const stream_info& out = run.output_of("ads1299");
  EXPECT_EQ(out.kind, packet_kind::raw_counts);
  EXPECT_EQ(out.channel_names[0], "ch1");
  ASSERT_TRUE(out.sensor);
  EXPECT_EQ(out.sensor->device, "ads1299-emulator");
  EXPECT_EQ(out.sensor->gain[6], 1.0);
  EXPECT_EQ(out.sensor->vref_v, 4.5);
  EXPECT_EQ(out.sensor->rate_hz, 1000.0);
  EXPECT_EQ(out.sensor->resolution_bits, 24);
}

TEST(Ads1299Stage, TestSignalReadsVrefOver2400InMicrovoltsAtEveryRate) {
  for (int rate : {250, 500, 1000, 2000, 4000, 8000, 16000}) {
    run_pipeline run("stages:\n  - ads1299: { emulator: true, realtime: false, input: test_signal, gain: 8, rate: " +
                         std::to_string(rate) + " }\n  - to_voltage: {}\n  - capture_sink: { name: out }\n",
                     0.05);
    ASSERT_EQ(run.errors(), "");
    const auto x = run.stage<capture_sink>("out").samples();
    ASSERT_FALSE(x.empty());
    EXPECT_NEAR(x[0], 1875.0, 4.5 / (8 * 8388608.0) * 1e6) << rate;
  }
}

TEST(Ads1299Stage, MissedDrdysBecomeFlaggedOneFrameGapsAndAreCounted) {
  run_pipeline run(
      "stages:\n"
      "  - ads1299: { emulator: true, realtime: false, rate: 1000, batch: 10, emu_missed_drdy_every: 100 }\n"
      "  - capture_sink: { name: out }\n",
      1.0);
  ASSERT_EQ(run.errors(), "");
  const auto h = run.stage<capture_sink>("out").headers();
  ASSERT_FALSE(h.empty());
  std::vector<std::uint64_t> missing;
  std::uint64_t next = 0;
  for (const auto& p : h) {
    EXPECT_EQ(p.has_gap(), p.first_frame != next) << p.first_frame;
    for (std::uint64_t f = next; f < p.first_frame; ++f) missing.push_back(f);
    next = p.first_frame + p.frames;
    EXPECT_EQ(p.t0_ns - h[0].t0_ns, static_cast<std::int64_t>(p.first_frame) * 1'000'000);
  }
  // Conversion 99 (the 100th) and every hundredth after it had no DRDY.
  ASSERT_GE(missing.size(), 9u);
  for (std::size_t i = 0; i < missing.size(); ++i) EXPECT_EQ(missing[i], 100 * i + 99);
  EXPECT_EQ(run.figure("ads1299", "gaps"), static_cast<double>(missing.size()));
  EXPECT_EQ(run.figure("ads1299", "missed_frames"), static_cast<double>(missing.size()));
}

TEST(Ads1299Stage, SpiErrorsAreSkippedUnderSkipPacketWithAGapAfter) {
  run_pipeline run(
      "stages:\n"
      "  - ads1299: { emulator: true, realtime: false, rate: 1000, batch: 10, emu_spi_error_every: 55,\n"
      "               on_error: skip_packet }\n"
      "  - capture_sink: { name: out }\n",
      1.0);
  ASSERT_EQ(run.errors(), "");
  EXPECT_EQ(run.exec().state(), core::pipeline_state::stopped);
  const auto h = run.stage<capture_sink>("out").headers();
  std::size_t gaps = 0;
  for (std::size_t i = 1; i < h.size(); ++i) {
    const bool jumped = h[i].first_frame != h[i - 1].first_frame + h[i - 1].frames;
    EXPECT_EQ(jumped, h[i].has_gap());
    gaps += jumped;
  }
  const double errors = run.figure("ads1299", "spi_errors");
  EXPECT_GE(errors, 17.0);
  EXPECT_EQ(static_cast<double>(gaps), errors);
  for (const auto& n : run.exec().stats().nodes)
    if (n.name == "ads1299") {
      EXPECT_EQ(static_cast<double>(n.errors), errors);
    }
}

TEST(Ads1299Stage, SpiErrorsStopThePipelineUnderFatal) {
  run_pipeline run(
      "stages:\n"
      "  - ads1299: { emulator: true, realtime: false, emu_spi_error_every: 20, on_error: fatal }\n"
      "  - null_sink: {}\n",
      10.0);
  ASSERT_EQ(run.errors(), "");
  EXPECT_EQ(run.exec().state(), core::pipeline_state::failed);
  EXPECT_NE(run.exec().failure().find("1100 header"), std::string::npos) << run.exec().failure();
}

TEST(Ads1299Stage, DaisyOfTwoWithStatusChannelsAndLeadOff) {
  run_pipeline run(
      "stages:\n"
      "  - ads1299: { emulator: true, realtime: false, daisy: 2, lead_off: true, status_channels: true,\n"
      "               emu_leads_off: [3, 12], emu_sine_uv: 0 }\n"
      "  - to_voltage: {}\n"
      "  - capture_sink: { name: out }\n",
      0.1);
  ASSERT_EQ(run.errors(), "");
  const stream_info& out = run.output_of("ads1299");
  ASSERT_EQ(out.channels, 18u);
  EXPECT_EQ(out.channel_names[15], "ch16");
  EXPECT_EQ(out.channel_names[16], "status1");
  EXPECT_EQ(out.units[17], "bits");
  const auto x = run.stage<capture_sink>("out").samples();
  ASSERT_GE(x.size(), 18u);
  EXPECT_EQ(x[16], double(0x04040));  // chip 1: LOFF_STATP and LOFF_STATN bit 2
  EXPECT_EQ(x[17], double(0x08080));  // chip 2: bit 3
  EXPECT_EQ(x[0], 0.0);
  EXPECT_EQ(run.text_figure("ads1299", "lead_off"), "3P 3N 12P 12N");
}

TEST(Ads1299Stage, ImpossibleRatesAndGainsAreRefusedWithWhatIsAllowed) {
  run_pipeline a("stages:\n  - ads1299: { emulator: true, rate: 300 }\n  - null_sink: {}\n", 0.1);
  EXPECT_NE(a.errors().find("allowed: 250, 500, 1000, 2000, 4000, 8000, 16000"), std::string::npos) << a.errors();
  run_pipeline b("stages:\n  - ads1299: { emulator: true, gain: 3 }\n  - null_sink: {}\n", 0.1);
  EXPECT_NE(b.errors().find("allowed: 1, 2, 4, 6, 8, 12, 24"), std::string::npos) << b.errors();
  run_pipeline c("stages:\n  - ads1299: { emulator: true, daisy: 2, gain: [1, 2, 4, 6, 8, 12, 24, 24, 2, 2, 4, 6, 8, "
                 "12, 24, 24] }\n  - null_sink: {}\n",
                 0.1);
  EXPECT_NE(c.errors().find("must have the gain of channel 1"), std::string::npos) << c.errors();
}

TEST(Ads1299Stage, ADriftingCrystalIsMeasuredAndReported) {
  run_pipeline run(
      "stages:\n"
      "  - ads1299: { emulator: true, realtime: false, rate: 4000, emu_drift_ppm: 200 }\n"
      "  - null_sink: {}\n",
      12.0);
  ASSERT_EQ(run.errors(), "");
  EXPECT_NEAR(run.figure("ads1299", "drift_monotonic_ppm"), 200, 20);
  EXPECT_NEAR(run.figure("ads1299", "rate_estimated_hz"), 4000.8, 0.08);
  EXPECT_EQ(run.figure("ads1299", "gaps"), 0);
  // The timestamps stayed first_frame / rate: the wall clock ran ahead of them.
  EXPECT_LT(run.figure("ads1299", "offset_realtime_ms"), -1.5);
  EXPECT_EQ(run.figure("ads1299", "timestamp_correction_ms"), 0);
}

TEST(Ads1299Stage, SlewedTimestampsFollowTheClockWithoutJumps) {
  run_pipeline run(
      "stages:\n"
      "  - ads1299: { emulator: true, realtime: false, rate: 1000, batch: 10, emu_drift_ppm: 500,\n"
      "               clock_slew_ppm: 1000 }\n"
      "  - capture_sink: { name: out }\n",
      20.0);
  ASSERT_EQ(run.errors(), "");
  const auto h = run.stage<capture_sink>("out").headers();
  ASSERT_GT(h.size(), 100u);
  for (std::size_t i = 1; i < h.size(); ++i) {
    const double step = static_cast<double>(h[i].t0_ns - h[i - 1].t0_ns);
    EXPECT_NEAR(step, 10e6, 10e6 * 1000e-6 + 1) << i;  // never more than the slew limit off 10 ms
  }
  // By the end they follow the crystal: 500 ppm fast, so the last packet
  // starts earlier than first_frame / rate says.
  const double nominal = static_cast<double>(h.back().first_frame) * 1e6;
  EXPECT_NEAR(static_cast<double>(h.back().t0_ns - h.front().t0_ns), nominal / 1.0005, 1e6);
}

TEST(Ads1299Stage, NewSettingsBumpTheSensorMetaRev) {
  core::sensor_store sensors;
  auto rev = [&](const std::string& params) {
    run_pipeline run("stages:\n  - ads1299: { emulator: true, realtime: false, " + params + " }\n  - null_sink: {}\n",
                     0.05, &sensors);
    return run.output_of("ads1299").sensor->meta_rev;
  };
  const auto a = rev("gain: 24"), b = rev("gain: 24"), c = rev("gain: 12"), d = rev("gain: 12, vref: 4"),
             e = rev("gain: 12, vref: 4, rate: 500");
  EXPECT_EQ(a, b);
  EXPECT_EQ(c, b + 1);
  EXPECT_EQ(d, c + 1);
  EXPECT_EQ(e, d + 1);
}

// Waits (with a deadline) until `done` holds.
template <class F>
bool eventually(F done, std::int64_t timeout_ns = 20'000'000'000) {
  const std::int64_t deadline = monotonic_ns() + timeout_ns;
  while (!done()) {
    if (monotonic_ns() > deadline) return false;
    std::this_thread::yield();
  }
  return true;
}

TEST(Ads1299Stage, PausingForLackOfDemandLeavesAFlaggedGapOfTheRightLength) {
  run_pipeline run(
      "stages:\n"
      "  - ads1299: { emulator: true, rate: 250, batch: 5 }\n"
      "  - collecting_sink: { name: out }\n",
      -1);
  ASSERT_EQ(run.errors(), "");
  auto& sink = run.stage<testing::collecting_sink>("out");
  ASSERT_TRUE(eventually([&] { return sink.received() >= 4; }));
  sink.want(false);
  ASSERT_TRUE(eventually([&] { return run.exec().demand() == core::demand_level::idle; }));
  const std::uint64_t before = sink.received();
  // The chip stays stopped for at least 200 ms of real time (50 frames).
  const std::int64_t paused_at = monotonic_ns();
  ASSERT_TRUE(eventually([&] { return monotonic_ns() - paused_at > 200'000'000; }));
  sink.want(true);
  ASSERT_TRUE(eventually([&] { return sink.received() >= before + 4; }));
  run.exec().request_stop();
  ASSERT_TRUE(run.exec().wait_until(monotonic_ns() + 10'000'000'000));
  const auto r = sink.records();
  bool found = false;
  for (std::size_t i = 1; i < r.size(); ++i) {
    const std::uint64_t jump = r[i].first_frame - (r[i - 1].first_frame + r[i - 1].frames);
    EXPECT_EQ(jump > 0, (r[i].flags & packet_flags::gap) != 0) << i << ": " << r[i - 1].first_frame << "+" << r[i - 1].frames << " then " << r[i].first_frame;
    found = found || jump >= 50;
  }
  EXPECT_TRUE(found) << "a gap of at least 200 ms worth of frames";
  EXPECT_EQ(run.figure("ads1299", "resumes"), 1);
}

}  // namespace
}  // namespace eegd::stages
