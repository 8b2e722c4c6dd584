#pragma once

#include <atomic>
#include <cstdint>

#include "core/futex.hpp"
#include "core/thread_accounting.hpp"
#include "eegd/clock.hpp"

namespace eegd::core {

// An event count: lets a thread sleep until "something may have changed"
// without a lock and without a system call on the producer side when nobody
// sleeps. Waiter:
//
//   auto key = n.prepare_wait();
//   if (condition()) { n.cancel_wait(); return; }
//   n.wait(key, deadline);   // returns at once if notify() ran after prepare_wait()
//
// Producer: make the condition true, then n.notify().
class notifier {
 public:
  std::uint32_t prepare_wait() noexcept {
    waiters_.fetch_add(1, std::memory_order_seq_cst);
    return epoch_.load(std::memory_order_seq_cst);
  }
  void cancel_wait() noexcept { waiters_.fetch_sub(1, std::memory_order_seq_cst); }
  // Sleeps until notified after prepare_wait() returned `key`, or until the
  // deadline (CLOCK_MONOTONIC ns, negative: none). Ends the wait either way.
  void wait(std::uint32_t key, std::int64_t deadline_ns = -1) noexcept {
    if (epoch_.load(std::memory_order_seq_cst) == key) futex_wait(epoch_, key, deadline_ns);
    waiters_.fetch_sub(1, std::memory_order_seq_cst);
  }
  void notify() noexcept {
    epoch_.fetch_add(1, std::memory_order_seq_cst);
    if (waiters_.load(std::memory_order_seq_cst) != 0) {
      thread_accounting& acc = this_thread_accounting();
      const std::int64_t t0 = monotonic_ns();
      futex_wake(epoch_, INT32_MAX);
      acc.wake_ns += monotonic_ns() - t0;
      acc.wakes++;
    }
  }

 private:
  alignas(64) std::atomic<std::uint32_t> epoch_{0};
  std::atomic<std::uint32_t> waiters_{0};
};

}  // namespace eegd::core
