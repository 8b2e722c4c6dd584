#include "core/edge_queue.hpp"

#include "core/thread_accounting.hpp"
#include "eegd/clock.hpp"

namespace eegd::core {

const char* to_string(overflow_policy p) noexcept {
  switch (p) {
    case overflow_policy::block: return "block";
    case overflow_policy::drop_oldest: return "drop_oldest";
    case overflow_policy::drop_newest: return "drop_newest";
  }
  return "unknown";
}

edge_queue::edge_queue(const queue_config& config, notifier& consumer_wakeup)
    : config_(config),
      capacity_(config.capacity ? config.capacity : 1),
      slots_(new std::atomic<packet*>[capacity_]),
      consumer_wakeup_(consumer_wakeup) {
  for (std::size_t i = 0; i < capacity_; ++i) slots_[i].store(nullptr, std::memory_order_relaxed);
}

edge_queue::~edge_queue() {
  while (pop()) {
  }
}

bool edge_queue::try_insert(packet_ref& p) noexcept {
  const std::uint64_t t = tail_.load(std::memory_order_relaxed);
  const std::uint64_t h = head_.load(std::memory_order_acquire);
  if (t - h >= capacity_) return false;
  slots_[t % capacity_].store(p.release(), std::memory_order_relaxed);
  tail_.store(t + 1, std::memory_order_release);
  bump(pushed_);
  if (t + 1 - h > max_depth_.load(std::memory_order_relaxed))
    max_depth_.store(t + 1 - h, std::memory_order_relaxed);
  consumer_wakeup_.notify();
  return true;
}

bool edge_queue::drop_oldest() noexcept {
  std::uint64_t h = head_.load(std::memory_order_acquire);
  const std::uint64_t t = tail_.load(std::memory_order_relaxed);
  while (t - h >= capacity_) {
    // Read the slot before claiming it: once the CAS succeeds nobody else can
    // own it, and the producer (us) cannot have overwritten it yet.
    packet* oldest = slots_[h % capacity_].load(std::memory_order_relaxed);
    if (head_.compare_exchange_weak(h, h + 1, std::memory_order_acq_rel,
                                    std::memory_order_acquire)) {
      packet_ref::adopt(oldest).reset();
      bump(dropped_);
      return true;
    }
  }
  return false;  // the consumer made room meanwhile
}

// The consumer may detach between our check and our insert; whatever we then
// left in the queue nobody will read, so take it back out.
void edge_queue::discard_stranded() noexcept {
  std::uint64_t h = head_.load(std::memory_order_acquire);
  while (h != tail_.load(std::memory_order_relaxed)) {
    packet* p = slots_[h % capacity_].load(std::memory_order_relaxed);
    if (head_.compare_exchange_weak(h, h + 1, std::memory_order_acq_rel, std::memory_order_acquire)) {
      packet_ref::adopt(p).reset();
      bump(discarded_);
    }
  }
}

void edge_queue::push(packet_ref p) noexcept {
  if (detached_.load(std::memory_order_acquire)) {
    bump(discarded_);
    return;
  }
  if (try_insert(p)) {
    if (detached_.load(std::memory_order_acquire)) discard_stranded();
    return;
  }
  switch (config_.overflow) {
    case overflow_policy::drop_newest:
      bump(dropped_);
      return;
    case overflow_policy::drop_oldest:
      drop_oldest();
      try_insert(p);  // single producer: there is room now
      return;
    case overflow_policy::block: {
      const std::int64_t deadline = monotonic_ns() + config_.block_timeout_ns;
      blocked_now_.store(true, std::memory_order_relaxed);
      for (;;) {
        const std::uint32_t key = space_.prepare_wait();
        if (detached_.load(std::memory_order_acquire)) {
          space_.cancel_wait();
          bump(discarded_);
          break;
        }
        if (try_insert(p)) {
          space_.cancel_wait();
          if (detached_.load(std::memory_order_acquire)) discard_stranded();
          break;
        }
        if (monotonic_ns() >= deadline) {
          space_.cancel_wait();
          bump(dropped_);
          bump(timed_out_);
          break;
        }
        const std::int64_t t0 = monotonic_ns();
        space_.wait(key, deadline);
        this_thread_accounting().blocked_ns += monotonic_ns() - t0;
      }
      blocked_now_.store(false, std::memory_order_relaxed);
    }
  }
}

packet_ref edge_queue::pop() noexcept {
  std::uint64_t h = head_.load(std::memory_order_acquire);
  for (;;) {
    if (h == tail_.load(std::memory_order_acquire)) return {};
    packet* p = slots_[h % capacity_].load(std::memory_order_relaxed);
    if (head_.compare_exchange_weak(h, h + 1, std::memory_order_acq_rel,
                                    std::memory_order_acquire)) {
      bump(popped_);
      if (config_.overflow == overflow_policy::block) space_.notify();
      return packet_ref::adopt(p);
    }
  }
}

void edge_queue::close() noexcept {
  closed_.store(true, std::memory_order_release);
  consumer_wakeup_.notify();
}

void edge_queue::detach() noexcept {
  detached_.store(true, std::memory_order_release);
  space_.notify();
  while (pop()) {
  }
}

std::size_t edge_queue::depth() const noexcept {
  const std::uint64_t t = tail_.load(std::memory_order_acquire);
  const std::uint64_t h = head_.load(std::memory_order_acquire);
  return t >= h ? static_cast<std::size_t>(t - h) : 0;
}

edge_queue::counters edge_queue::snapshot() const noexcept {
  counters c;
  c.pushed = pushed_.load(std::memory_order_relaxed);
  c.popped = popped_.load(std::memory_order_relaxed);
  c.dropped = dropped_.load(std::memory_order_relaxed);
  c.timed_out = timed_out_.load(std::memory_order_relaxed);
  c.discarded = discarded_.load(std::memory_order_relaxed);
  c.max_depth = max_depth_.load(std::memory_order_relaxed);
  c.blocked_now = blocked_now_.load(std::memory_order_relaxed);
  return c;
}

}  // namespace eegd::core
