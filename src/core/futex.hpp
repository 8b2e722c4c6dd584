#pragma once

#include <atomic>
#include <cstdint>

namespace eegd::core {

// Thin wrappers over Linux futex(2) on a 32-bit atomic word. C++20's
// atomic::wait has no timeout, and the executor needs deadlines (pacing,
// bounded blocking), so it talks to the kernel directly.

// Sleeps while `word` == `expected`, until woken or until `deadline_ns`
// (CLOCK_MONOTONIC; negative: no deadline). Spurious wake-ups are possible:
// callers re-check their condition.
void futex_wait(std::atomic<std::uint32_t>& word, std::uint32_t expected,
                std::int64_t deadline_ns) noexcept;

// Wakes up to `count` threads sleeping on `word`.
void futex_wake(std::atomic<std::uint32_t>& word, int count) noexcept;

}  // namespace eegd::core
