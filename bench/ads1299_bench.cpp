// ADS1299 acquisition costs: decoding one frame (status word + 24-bit
// samples) for 1, 2 and 4 daisy-chained chips, and the CPU that a second of
// DRDY-paced acquisition at 4000 S/s x 16 channels takes through the emulator
// with real threads (the acquisition thread and the whole process; the
// process figure includes the emulator synthesising the signal, which on a
// board is the chip's work), next to the same run's floor: what a thread
// that only waits for 4000 timer edges a second costs on this machine.
#include <benchmark/benchmark.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <random>

#include "ads1299/frame.hpp"
#include "core/executor.hpp"
#include "eegd/clock.hpp"
#include "stages/builtin_stages.hpp"

namespace {

using namespace eegd;

void BM_Ads1299DecodeFrame(benchmark::State& state) {
  const auto chips = static_cast<std::size_t>(state.range(0));
  std::vector<std::uint8_t> bytes(chips * ads1299::bytes_per_chip);
  std::mt19937 rng(1);
  for (auto& b : bytes) b = static_cast<std::uint8_t>(rng());
  for (std::size_t c = 0; c < chips; ++c) bytes[c * ads1299::bytes_per_chip] = 0xC0;
  std::vector<std::int32_t> counts(chips * ads1299::channels_per_chip);
  std::vector<ads1299::chip_status> status(chips);
  for (auto _ : state) {
    benchmark::DoNotOptimize(ads1299::decode_frame(bytes, chips, counts.data(), status.data()));
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["channels"] = static_cast<double>(counts.size());
}
BENCHMARK(BM_Ads1299DecodeFrame)->ArgName("chips")->Arg(1)->Arg(2)->Arg(4);

std::int64_t process_cpu_ns() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return (std::int64_t{u.ru_utime.tv_sec} + u.ru_stime.tv_sec) * 1'000'000'000 +
         (std::int64_t{u.ru_utime.tv_usec} + u.ru_stime.tv_usec) * 1000;
}

// The platform's floor for DRDY-paced acquisition: a thread that does nothing
// but wait for a timer edge every 250 us (timerfd + poll, as the emulator and
// a real GPIO line make the acquisition thread do). An ADS1299 has no FIFO, so
// one wake-up per frame is the design's minimum; on a VM each one is costly.
// Returns the thread's CPU in % of a core and counts wake-ups later than one
// period (a frame the chip would have overwritten).
double wakeup_floor_pct(double seconds, double rate, double& late) {
  const int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  const auto period = static_cast<std::int64_t>(1e9 / rate);
  const auto frames = static_cast<std::int64_t>(seconds * rate);
  timespec c0{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
  const std::int64_t t0 = monotonic_ns();
  std::int64_t next = t0 + period;
  late = 0;
  for (std::int64_t i = 0; i < frames; ++i, next += period) {
    itimerspec spec{};
    spec.it_value = eegd::to_timespec(next);
    timerfd_settime(fd, TFD_TIMER_ABSTIME, &spec, nullptr);
    pollfd p{fd, POLLIN, 0};
    ::poll(&p, 1, -1);
    if (monotonic_ns() - next > period) ++late;
  }
  timespec c1{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
  ::close(fd);
  const double cpu = static_cast<double>(c1.tv_sec - c0.tv_sec) * 1e9 + static_cast<double>(c1.tv_nsec - c0.tv_nsec);
  return cpu / static_cast<double>(monotonic_ns() - t0) * 100;
}

void BM_Ads1299EmulatedAcquisitionCpu(benchmark::State& state) {
  constexpr double seconds = 2.0;
  double acquire_pct = 0, process_pct = 0, missed = 0;
  double late_before = 0;
  const double floor_before = wakeup_floor_pct(seconds, 4000, late_before);
  for (auto _ : state) {
    core::stage_registry registry;
    stages::register_builtin_stages(registry);
    core::graph_spec spec;
    core::node_spec src;
    src.name = "ads1299";
    src.type = "ads1299";
    src.stage = registry.find("ads1299")->create();
    (void)src.stage->set_param("emulator", true);
    (void)src.stage->set_param("rate", 4000.0);
    (void)src.stage->set_param("daisy", std::int64_t{2});
    core::node_spec sink;
    sink.name = "out";
    sink.type = "null_sink";
    sink.stage = registry.find("null_sink")->create();
    sink.inputs = {"ads1299"};
    spec.nodes.push_back(std::move(src));
    spec.nodes.push_back(std::move(sink));
    core::sensor_store sensors;
    core::build_env env;
    env.sensors = &sensors;
    auto built = core::build_graph(std::move(spec), env);
    if (!built.graph) {
      state.SkipWithError("the pipeline did not build");
      return;
    }
    core::executor_options options;
    options.duration_ns = static_cast<std::int64_t>(seconds * 1e9);
    core::executor exec(std::move(*built.graph), options);
    const std::int64_t cpu0 = process_cpu_ns(), t0 = monotonic_ns();
    exec.start();
    exec.wait();
    const double wall = static_cast<double>(monotonic_ns() - t0);
    process_pct = static_cast<double>(process_cpu_ns() - cpu0) / wall * 100;
    const auto stats = exec.stats();
    for (const auto& t : stats.threads)
      if (t.role.rfind("source:", 0) == 0) acquire_pct = static_cast<double>(t.cpu_ns) / wall * 100;
    for (const auto& n : stats.nodes)
      for (const auto& f : n.figures)
        if (f.key == "missed_frames") missed = f.number.value_or(0);
  }
  // The floor before and after the acquisition run, averaged: a VM's cost of
  // a wake-up drifts with what its neighbours do.
  double late_after = 0;
  const double floor_pct = (floor_before + wakeup_floor_pct(seconds, 4000, late_after)) / 2;
  const double late = (late_before + late_after) / 2;
  state.counters["acquire_thread_cpu_pct"] = acquire_pct;
  state.counters["wakeup_floor_cpu_pct"] = floor_pct;
  state.counters["above_floor_cpu_pct"] = acquire_pct - floor_pct;
  state.counters["floor_late_wakeups"] = late;
  state.counters["process_cpu_pct"] = process_pct;
  state.counters["missed_frames"] = missed;
}
BENCHMARK(BM_Ads1299EmulatedAcquisitionCpu)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
