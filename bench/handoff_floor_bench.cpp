// The machine's floor for real-time latency: a chain of threads, each waking
// the next through a condition variable, fed every 8 ms (bench_overhead.yaml's
// packet period); the last records how long the chain took. eegd's
// source-to-sink path in bench_overhead.yaml crosses three such hand-offs, so
// its latency reads against the 3-hop figure of the same machine and day.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace {

using steady = std::chrono::steady_clock;

struct handoff_slot {
  std::mutex mutex;
  std::condition_variable cv;
  bool ready = false, done = false;
  steady::time_point sent;
};

void BM_ThreadHandoffLatencyFloor(benchmark::State& state) {
  const auto hops = static_cast<std::size_t>(state.range(0));
  constexpr int sends = 1250;  // 10 s at 125 per second
  std::vector<double> latency_us;
  for (auto _ : state) {
    std::deque<handoff_slot> slots(hops);
    latency_us.clear();
    latency_us.reserve(sends);
    std::vector<std::thread> chain;
    for (std::size_t h = 0; h < hops; ++h)
      chain.emplace_back([&, h] {
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
  std::sort(latency_us.begin(), latency_us.end());
  if (latency_us.empty()) return;
  state.counters["p50_us"] = latency_us[latency_us.size() / 2];
  state.counters["p99_us"] = latency_us[latency_us.size() * 99 / 100];
  state.counters["max_us"] = latency_us.back();
  state.counters["delivered"] = static_cast<double>(latency_us.size());
}
BENCHMARK(BM_ThreadHandoffLatencyFloor)->ArgName("hops")->Arg(1)->Arg(3)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
