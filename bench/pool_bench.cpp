// Packet pool acquire/publish/release, alone and with the release on another
// thread (the usual case: a consumer drops the last reference).
#include <benchmark/benchmark.h>

#include "core/packet_pool.hpp"

namespace {

using eegd::packet_kind;
using eegd::core::packet_pool;

packet_pool::options options_for(std::size_t samples) {
  packet_pool::options o;
  o.capacity_samples = samples;
  o.preallocate = 16;
  return o;
}

void BM_PoolAcquireRelease(benchmark::State& state) {
  packet_pool::handle pool(options_for(32 * 32));
  for (auto _ : state) {
    eegd::packet_ref p = pool->acquire(32, 32, packet_kind::voltage).publish();
    benchmark::DoNotOptimize(p.get());
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["heap_fallbacks"] = static_cast<double>(pool->snapshot().heap_fallbacks);
}
BENCHMARK(BM_PoolAcquireRelease);

// Baseline: what a pool saves against plain aligned new/delete of the same size.
void BM_HeapAllocateFree(benchmark::State& state) {
  const std::size_t bytes = eegd::packet_storage::bytes_for(32 * 32, false);
  for (auto _ : state) {
    void* p = ::operator new(bytes, std::align_val_t{64});
    benchmark::DoNotOptimize(p);
    ::operator delete(p, std::align_val_t{64});
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HeapAllocateFree);

void BM_PoolShareAndDrop(benchmark::State& state) {
  packet_pool::handle pool(options_for(32 * 32));
  for (auto _ : state) {
    eegd::packet_ref p = pool->acquire(32, 32, packet_kind::voltage).publish();
    eegd::packet_ref a = p, b = p, c = p;  // fan-out to three consumers
    benchmark::DoNotOptimize(c.get());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PoolShareAndDrop);

}  // namespace
