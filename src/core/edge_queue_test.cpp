#include "core/edge_queue.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "core/packet_pool.hpp"

namespace eegd::core {
namespace {

class EdgeQueue : public ::testing::Test {
 protected:
  packet_ref make(std::uint64_t frame) {
    packet_builder b = pool_->acquire(1, 1, packet_kind::voltage);
    b.header().first_frame = frame;
    return std::move(b).publish();
  }
  static queue_config config(std::size_t capacity, overflow_policy policy, std::int64_t timeout_ns = 1'000'000) {
    queue_config c;
    c.capacity = capacity;
    c.overflow = policy;
    c.block_timeout_ns = timeout_ns;
    return c;
  }
  packet_pool::handle pool_{packet_pool::options{1, false, 8, 4096}};
  notifier wake_;
};

TEST_F(EdgeQueue, FifoWithinCapacity) {
  edge_queue q(config(4, overflow_policy::drop_newest), wake_);
  for (std::uint64_t i = 0; i < 4; ++i) q.push(make(i));
  EXPECT_EQ(q.depth(), 4u);
  for (std::uint64_t i = 0; i < 4; ++i) EXPECT_EQ(q.pop()->header().first_frame, i);
  EXPECT_FALSE(q.pop());
  const auto c = q.snapshot();
  EXPECT_EQ(c.pushed, 4u);
  EXPECT_EQ(c.popped, 4u);
  EXPECT_EQ(c.max_depth, 4u);
}

TEST_F(EdgeQueue, DropNewestKeepsWhatWasQueued) {
  edge_queue q(config(3, overflow_policy::drop_newest), wake_);
  for (std::uint64_t i = 0; i < 10; ++i) q.push(make(i));
  for (std::uint64_t i = 0; i < 3; ++i) EXPECT_EQ(q.pop()->header().first_frame, i);
  EXPECT_EQ(q.snapshot().dropped, 7u);
}

TEST_F(EdgeQueue, DropOldestKeepsTheLatest) {
  edge_queue q(config(3, overflow_policy::drop_oldest), wake_);
  for (std::uint64_t i = 0; i < 10; ++i) q.push(make(i));
  for (std::uint64_t i = 7; i < 10; ++i) EXPECT_EQ(q.pop()->header().first_frame, i);
  EXPECT_EQ(q.snapshot().dropped, 7u);
  EXPECT_EQ(pool_->snapshot().in_flight, 0u) << "dropped packets go back to the pool";
}

TEST_F(EdgeQueue, BlockTimesOutWhenNobodyReads) {
  edge_queue q(config(2, overflow_policy::block, 2'000'000), wake_);
  for (std::uint64_t i = 0; i < 3; ++i) q.push(make(i));
  const auto c = q.snapshot();
  EXPECT_EQ(c.pushed, 2u);
  EXPECT_EQ(c.dropped, 1u);
  EXPECT_EQ(c.timed_out, 1u);
}

TEST_F(EdgeQueue, DetachedQueueDiscardsAndReleasesABlockedProducer) {
  edge_queue q(config(1, overflow_policy::block, 60'000'000'000), wake_);
  q.push(make(0));
  std::thread producer([&] { q.push(make(1)); });  // blocks: the queue is full
  while (!q.snapshot().blocked_now) std::this_thread::yield();
  q.detach();
  producer.join();
  EXPECT_EQ(q.snapshot().discarded, 1u);
  q.push(make(2));
  EXPECT_EQ(q.snapshot().discarded, 2u);
  EXPECT_EQ(q.depth(), 0u);
  EXPECT_EQ(pool_->snapshot().in_flight, 0u) << "nothing stays stranded in a detached queue";
}

TEST_F(EdgeQueue, CloseWakesTheConsumer) {
  edge_queue q(config(2, overflow_policy::block), wake_);
  const auto key = wake_.prepare_wait();
  q.close();
  wake_.wait(key);  // returns at once: close() notified after prepare_wait()
  EXPECT_TRUE(q.closed());
}

// Producer and consumer on two threads; drop_oldest makes the producer race the
// consumer for the read index. Whatever arrives must be in order, unique, and
// everything pushed is either popped or counted as dropped.
TEST_F(EdgeQueue, ConcurrentDropOldestNeverDuplicatesOrReorders) {
  constexpr std::uint64_t total = 200'000;
  edge_queue q(config(8, overflow_policy::drop_oldest), wake_);
  std::thread producer([&] {
    for (std::uint64_t i = 0; i < total; ++i) q.push(make(i));
    q.close();
  });
  std::uint64_t received = 0, last = 0;
  bool first = true, ordered = true;
  for (;;) {
    const bool was_closed = q.closed();
    packet_ref p = q.pop();
    if (!p) {
      if (was_closed) break;
      std::this_thread::yield();
      continue;
    }
    const std::uint64_t f = p->header().first_frame;
    ordered = ordered && (first || f > last);
    first = false;
    last = f;
    ++received;
  }
  producer.join();
  EXPECT_TRUE(ordered);
  const auto c = q.snapshot();
  EXPECT_EQ(received + c.dropped, total);
  EXPECT_EQ(c.popped, received);
}

TEST_F(EdgeQueue, ConcurrentBlockDeliversEverything) {
  constexpr std::uint64_t total = 100'000;
  edge_queue q(config(4, overflow_policy::block, 10'000'000'000), wake_);
  std::thread producer([&] {
    for (std::uint64_t i = 0; i < total; ++i) q.push(make(i));
    q.close();
  });
  std::uint64_t expect = 0;
  for (;;) {
    const auto key = wake_.prepare_wait();
    const bool was_closed = q.closed();
    packet_ref p = q.pop();
    if (p) {
      wake_.cancel_wait();
      ASSERT_EQ(p->header().first_frame, expect);
      ++expect;
      continue;
    }
    if (was_closed) {
      wake_.cancel_wait();
      break;
    }
    wake_.wait(key);
  }
  producer.join();
  EXPECT_EQ(expect, total);
  EXPECT_EQ(q.snapshot().dropped, 0u);
}

}  // namespace
}  // namespace eegd::core
