// The machine's floor for real-time latency: one thread wakes another through
// a condition variable every 8 ms (bench_overhead.yaml's packet period) and
// the woken thread records how late it runs. eegd's source-to-sink latency
// crosses three such hand-offs, so compare its p99 with three of these.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace {

using steady = std::chrono::steady_clock;

void BM_ThreadHandoffLatencyFloor(benchmark::State& state) {
  std::vector<double> latency_us;
  for (auto _ : state) {
    std::mutex mutex;
    std::condition_variable cv;
    bool ready = false, done = false;
    steady::time_point sent;
    latency_us.clear();
    latency_us.reserve(1250);
    std::thread receiver([&] {
      std::unique_lock lock(mutex);
      while (!done) {
        cv.wait(lock, [&] { return ready || done; });
        if (!ready) continue;
        latency_us.push_back(std::chrono::duration<double, std::micro>(steady::now() - sent).count());
        ready = false;
      }
    });
    auto next = steady::now();
    for (int i = 0; i < 1250; ++i) {  // 10 s at 125 hand-offs per second
      next += std::chrono::milliseconds(8);
      std::this_thread::sleep_until(next);
      {
        std::lock_guard lock(mutex);
        sent = steady::now();
        ready = true;
      }
      cv.notify_one();
    }
    {
      std::lock_guard lock(mutex);
      done = true;
    }
    cv.notify_one();
    receiver.join();
  }
  std::sort(latency_us.begin(), latency_us.end());
  if (latency_us.empty()) return;
  state.counters["p50_us"] = latency_us[latency_us.size() / 2];
  state.counters["p99_us"] = latency_us[latency_us.size() * 99 / 100];
  state.counters["max_us"] = latency_us.back();
}
BENCHMARK(BM_ThreadHandoffLatencyFloor)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
