#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "core/notifier.hpp"
#include "eegd/packet.hpp"

namespace eegd::core {

enum class overflow_policy : std::uint8_t {
  block,        // producer waits for room (up to block_timeout, then drops the new packet)
  drop_oldest,  // make room by discarding the oldest queued packet
  drop_newest,  // discard the packet being pushed
};

const char* to_string(overflow_policy p) noexcept;

struct queue_config {
  std::size_t capacity = 4;  // packets (4 x batch frames)
  overflow_policy overflow = overflow_policy::block;
  // How long `block` may stall the producer before it gives up on one packet.
  // Keeps a stuck consumer from stalling acquisition forever; such drops are
  // counted separately.
  std::int64_t block_timeout_ns = 1'000'000'000;
};

// A bounded single-producer single-consumer queue of packet references joining
// two threads. Lock-free in both directions. drop_oldest lets the producer
// take the oldest slot; producer and consumer then race on the read index with
// a CAS, and whoever wins owns the packet in that slot.
class edge_queue {
 public:
  struct counters {
    std::uint64_t pushed = 0;     // accepted into the queue
    std::uint64_t popped = 0;
    std::uint64_t dropped = 0;    // discarded by the overflow policy
    std::uint64_t timed_out = 0;  // `block` gave up waiting (also in dropped)
    std::uint64_t discarded = 0;  // pushed after the consumer went away
    std::uint64_t max_depth = 0;
    bool blocked_now = false;     // the producer is waiting for room right now
  };

  edge_queue(const queue_config& config, notifier& consumer_wakeup);
  ~edge_queue();
  edge_queue(const edge_queue&) = delete;
  edge_queue& operator=(const edge_queue&) = delete;

  // Producer side.
  void push(packet_ref p) noexcept;
  void close() noexcept;  // no more packets will come

  // Consumer side.
  packet_ref pop() noexcept;
  bool closed() const noexcept { return closed_.load(std::memory_order_acquire); }
  void detach() noexcept;  // the consumer stopped; the producer discards from now on
  bool detached() const noexcept { return detached_.load(std::memory_order_acquire); }

  std::size_t depth() const noexcept;
  std::size_t capacity() const noexcept { return capacity_; }
  const queue_config& config() const noexcept { return config_; }
  counters snapshot() const noexcept;

 private:
  bool try_insert(packet_ref& p) noexcept;
  bool drop_oldest() noexcept;
  void discard_stranded() noexcept;
  static void bump(std::atomic<std::uint64_t>& c) noexcept {
    c.store(c.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }

  const queue_config config_;
  const std::size_t capacity_;
  std::unique_ptr<std::atomic<packet*>[]> slots_;
  notifier& consumer_wakeup_;
  notifier space_;  // the producer sleeps here under `block`

  alignas(64) std::atomic<std::uint64_t> head_{0};  // next slot to read
  alignas(64) std::atomic<std::uint64_t> tail_{0};  // next slot to write (producer only)
  std::atomic<bool> closed_{false};
  std::atomic<bool> detached_{false};
  std::atomic<bool> blocked_now_{false};

  // Written by the producer only.
  alignas(64) std::atomic<std::uint64_t> pushed_{0};
  std::atomic<std::uint64_t> dropped_{0};
  std::atomic<std::uint64_t> timed_out_{0};
  std::atomic<std::uint64_t> discarded_{0};
  std::atomic<std::uint64_t> max_depth_{0};
  // Written by the consumer only.
  alignas(64) std::atomic<std::uint64_t> popped_{0};
};

}  // namespace eegd::core
