// The machine's floor for real-time latency: a chain of threads, each waking
// the next through a condition variable, fed every 8 ms (bench_overhead.yaml's
// packet period); the last records how long the chain took. eegd's
// source-to-sink path in bench_overhead.yaml runs on three threads (acquire,
// dsp, sinks), so it crosses two such hand-offs, all on CPU 1: its latency
// reads against the 2-hop, same-CPU figure of the same machine and day. The
// spread variant lets the scheduler place the threads, as an unpinned
// pipeline would.
#include <benchmark/benchmark.h>
#include <pthread.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace {

using steady = std::chrono::steady_clock;

// Pins the calling thread to CPU 1, where bench_overhead.yaml puts its groups.
bool pin_to_bench_cpu() {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(1, &set);
  return pthread_setaffinity_np(pthread_self(), sizeof set, &set) == 0;
}

struct handoff_slot {
  std::mutex mutex;
  std::condition_variable cv;
  bool ready = false, done = false;
  steady::time_point sent;
};

void BM_ThreadHandoffLatencyFloor(benchmark::State& state) {
  const auto hops = static_cast<std::size_t>(state.range(0));
  const bool same_cpu = state.range(1) != 0;
  constexpr int sends = 1250;  // 10 s at 125 per second
  std::vector<double> latency_us;
  cpu_set_t caller_cpus;
  pthread_getaffinity_np(pthread_self(), sizeof caller_cpus, &caller_cpus);
  if (same_cpu && !pin_to_bench_cpu()) {
    state.SkipWithError("cannot pin to CPU 1, where bench_overhead.yaml runs its groups");
    return;
  }
  for (auto _ : state) {
    std::deque<handoff_slot> slots(hops);
    latency_us.clear();
    latency_us.reserve(sends);
    std::vector<std::thread> chain;
    for (std::size_t h = 0; h < hops; ++h)
      chain.emplace_back([&, h] {
        if (same_cpu) pin_to_bench_cpu();  // the caller's pin just succeeded
        for (;;) {
          steady::time_point sent;
          {
            std::unique_lock lock(slots[h].mutex);
            slots[h].cv.wait(lock, [&] { return slots[h].ready || slots[h].done; });
            if (!slots[h].ready) return;
            slots[h].ready = false;
            sent = slots[h].sent;
          }
          if (h + 1 == hops) {
            latency_us.push_back(std::chrono::duration<double, std::micro>(steady::now() - sent).count());
            continue;
          }
          {
            std::lock_guard lock(slots[h + 1].mutex);
            slots[h + 1].sent = sent;
            slots[h + 1].ready = true;
          }
          slots[h + 1].cv.notify_one();
        }
      });
    auto next = steady::now();
    for (int i = 0; i < sends; ++i) {
      next += std::chrono::milliseconds(8);
      std::this_thread::sleep_until(next);
      {
        std::lock_guard lock(slots[0].mutex);
        slots[0].sent = steady::now();
        slots[0].ready = true;
      }
      slots[0].cv.notify_one();
    }
    // Stop the chain from its head: a thread is told to stop only after the
    // one before it has ended, so nothing in flight is lost.
    for (std::size_t h = 0; h < hops; ++h) {
      {
        std::lock_guard lock(slots[h].mutex);
        slots[h].done = true;
      }
      slots[h].cv.notify_one();
      chain[h].join();
    }
  }
  pthread_setaffinity_np(pthread_self(), sizeof caller_cpus, &caller_cpus);
  std::sort(latency_us.begin(), latency_us.end());
  if (latency_us.empty()) return;
  state.counters["p50_us"] = latency_us[latency_us.size() / 2];
  state.counters["p99_us"] = latency_us[latency_us.size() * 99 / 100];
  state.counters["max_us"] = latency_us.back();
  state.counters["delivered"] = static_cast<double>(latency_us.size());
}
BENCHMARK(BM_ThreadHandoffLatencyFloor)
    ->ArgNames({"hops", "same_cpu"})
    ->ArgsProduct({{1, 2}, {1, 0}})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

}  // namespace
