#pragma once

#include <cstdint>

namespace eegd::core {

// Per-thread tallies of time a thread spends on behalf of others or waiting:
// waking another thread (a futex syscall, which in a VM costs an IPI and a VM
// exit) and blocking on a full queue. The executor subtracts them from a hop's
// time to isolate the framework's own work, and reports them separately.
struct thread_accounting {
  std::int64_t wake_ns = 0;
  std::uint64_t wakes = 0;
  std::int64_t blocked_ns = 0;
};

inline thread_accounting& this_thread_accounting() noexcept {
  thread_local thread_accounting a;
  return a;
}

}  // namespace eegd::core
