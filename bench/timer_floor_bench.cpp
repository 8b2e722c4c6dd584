// How late a thread that sleeps to a deadline wakes up: the floor under every
// timer-paced source (synthetic, file replay, the ADS1299 emulator) and so
// under eegd's end-to-end latency, which counts from a packet's nominal time.
// Wake-ups alternate between Linux's default timer slack (50 us, which lets
// the kernel batch timers) and the 1 ns that eegd's source threads ask for,
// so both are measured over the same seconds of the same machine.
#include <benchmark/benchmark.h>
#include <sys/prctl.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "eegd/clock.hpp"

namespace {

void report(benchmark::State& state, const char* name, std::vector<double>& late_us) {
  std::sort(late_us.begin(), late_us.end());
  if (late_us.empty()) return;
  state.counters[std::string(name) + "_p50_us"] = late_us[late_us.size() / 2];
  state.counters[std::string(name) + "_p99_us"] = late_us[late_us.size() * 99 / 100];
  state.counters[std::string(name) + "_max_us"] = late_us.back();
}

void BM_TimerWakeLateness(benchmark::State& state) {
  constexpr int wakes = 1250;                   // 10 s
  constexpr std::int64_t period_ns = 8'000'000;  // a 32-frame packet at 4 kS/s
  const long default_slack = ::prctl(PR_GET_TIMERSLACK, 0UL, 0UL, 0UL, 0UL);
  std::vector<double> with_default, with_1ns;
  for (auto _ : state) {
    with_default.clear();
    with_1ns.clear();
    std::int64_t next = eegd::monotonic_ns();
    for (int i = 0; i < wakes; ++i) {
      const bool tight = i % 2 == 1;
      ::prctl(PR_SET_TIMERSLACK, tight ? 1UL : static_cast<unsigned long>(default_slack), 0UL, 0UL, 0UL);
      next += period_ns;
      eegd::sleep_until_monotonic(next);
      (tight ? with_1ns : with_default).push_back(static_cast<double>(eegd::monotonic_ns() - next) / 1000.0);
    }
  }
  ::prctl(PR_SET_TIMERSLACK, static_cast<unsigned long>(default_slack), 0UL, 0UL, 0UL);
  state.counters["default_slack_us"] = static_cast<double>(default_slack) / 1000.0;
  report(state, "default", with_default);
  report(state, "slack1ns", with_1ns);
}
BENCHMARK(BM_TimerWakeLateness)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
