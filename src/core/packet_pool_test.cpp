#include "core/packet_pool.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace eegd::core {
namespace {

packet_pool::options small_pool(std::size_t prealloc = 4, std::size_t max = 16) {
  packet_pool::options o;
  o.capacity_samples = 32 * 8;
  o.preallocate = prealloc;
  o.max_buffers = max;
  return o;
}

TEST(PacketPool, BuilderPublishesImmutableSharedPacket) {
  packet_pool::handle pool(small_pool());
  packet_builder b = pool->acquire(8, 32, packet_kind::voltage);
  ASSERT_TRUE(b);
  EXPECT_EQ(b.values().size(), 256u);
  EXPECT_TRUE(b.counts().empty());
  b.header().first_frame = 42;
  b.values()[3] = 1.5f;
  packet_ref a = std::move(b).publish();
  packet_ref c = a;  // shares, never copies samples
  EXPECT_EQ(a.get(), c.get());
  EXPECT_EQ(a->use_count(), 2u);
  EXPECT_EQ(c->header().first_frame, 42u);
  EXPECT_FLOAT_EQ(c->values()[3], 1.5f);
}

TEST(PacketPool, LastReferenceReturnsBufferForReuse) {
  packet_pool::handle pool(small_pool());
  const packet* first = nullptr;
  {
    packet_ref a = pool->acquire(8, 32, packet_kind::voltage).publish();
    first = a.get();
    EXPECT_EQ(pool->snapshot().in_flight, 1u);
  }
  EXPECT_EQ(pool->snapshot().in_flight, 0u);
  // The private list still holds the other preallocated buffers; drain them
  // and the recycled one comes back.
  std::vector<packet_ref> held;
  bool reused = false;
  for (int i = 0; i < 4; ++i) {
    held.push_back(pool->acquire(8, 32, packet_kind::voltage).publish());
    reused = reused || held.back().get() == first;
  }
  EXPECT_TRUE(reused);
  EXPECT_EQ(pool->snapshot().buffers, 4u);
}

TEST(PacketPool, SteadyStateAllocatesNoBuffers) {
  packet_pool::handle pool(small_pool(4, 64));
  std::vector<packet_ref> window;
  for (int i = 0; i < 10000; ++i) {
    window.push_back(pool->acquire(8, 32, packet_kind::raw_counts).publish());
    if (window.size() > 3) window.erase(window.begin());
  }
  const auto s = pool->snapshot();
  EXPECT_EQ(s.buffers, 4u) << "the pool grew although at most 4 packets were alive";
  EXPECT_EQ(s.heap_fallbacks, 0u);
  EXPECT_EQ(s.acquired, 10000u);
}

TEST(PacketPool, OversizedOrExhaustedRequestsFallBackToCountedHeapBuffers) {
  packet_pool::handle pool(small_pool(1, 2));
  packet_ref big = pool->acquire(64, 64, packet_kind::voltage).publish();  // 4096 > 256 samples
  ASSERT_TRUE(big);
  EXPECT_EQ(big->values().size(), 4096u);
  packet_ref a = pool->acquire(8, 32, packet_kind::voltage).publish();
  packet_ref b = pool->acquire(8, 32, packet_kind::voltage).publish();
  packet_ref c = pool->acquire(8, 32, packet_kind::voltage).publish();  // beyond max_buffers
  EXPECT_EQ(pool->snapshot().buffers, 2u);
  EXPECT_EQ(pool->snapshot().heap_fallbacks, 2u);
}

TEST(PacketPool, RawAndVoltagePlanesDoNotOverlap) {
  auto o = small_pool();
  o.two_planes = true;
  packet_pool::handle pool(o);
  packet_builder b = pool->acquire(8, 32, packet_kind::raw_and_voltage);
  auto counts = b.counts();
  auto values = b.values();
  ASSERT_EQ(counts.size(), 256u);
  ASSERT_EQ(values.size(), 256u);
  EXPECT_GE(reinterpret_cast<const std::byte*>(values.data()),
            reinterpret_cast<const std::byte*>(counts.data() + counts.size()));
}

TEST(PacketPool, PoolOutlivesItsOwnerWhilePacketsAreInFlight) {
  packet_ref survivor;
  {
    packet_pool::handle pool(small_pool());
    packet_builder b = pool->acquire(8, 32, packet_kind::voltage);
    b.values()[0] = 7.0f;
    survivor = std::move(b).publish();
  }  // owner gone; the packet keeps the pool alive (ASan would flag a use after free)
  EXPECT_FLOAT_EQ(survivor->values()[0], 7.0f);
}

TEST(PacketPool, ReleasesFromManyThreadsAreSafe) {
  packet_pool::handle pool(small_pool(8, 1024));
  constexpr int rounds = 2000;
  for (int r = 0; r < rounds; ++r) {
    std::vector<packet_ref> batch;
    for (int i = 0; i < 4; ++i) batch.push_back(pool->acquire(8, 32, packet_kind::voltage).publish());
    std::thread t1([p = std::move(batch[0]), q = std::move(batch[1])]() mutable { p.reset(); q.reset(); });
    std::thread t2([p = std::move(batch[2]), q = std::move(batch[3])]() mutable { p.reset(); q.reset(); });
    t1.join();
    t2.join();
  }
  EXPECT_EQ(pool->snapshot().in_flight, 0u);
  EXPECT_LE(pool->snapshot().buffers, 8u);
}

}  // namespace
}  // namespace eegd::core
