#pragma once

#include <cerrno>
#include <cstdint>
#include <ctime>

namespace eegd {

// Nanoseconds on CLOCK_MONOTONIC: latency, pacing and deadlines.
inline std::int64_t monotonic_ns() noexcept {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

// Nanoseconds on CLOCK_REALTIME (Unix time): packet timestamps.
inline std::int64_t realtime_ns() noexcept {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

// A duration or a CLOCK_MONOTONIC instant in nanoseconds, as the timespec
// that clock_nanosleep, nanosleep and libgpiod take.
inline timespec to_timespec(std::int64_t ns) noexcept {
  return {static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
}

// Sleeps until `deadline_ns` on CLOCK_MONOTONIC. The deadline is absolute, so
// a late wake-up does not push the next one back; signals do not cut it short.
inline void sleep_until_monotonic(std::int64_t deadline_ns) noexcept {
  const timespec at = to_timespec(deadline_ns);
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, nullptr) == EINTR) {
  }
}

}  // namespace eegd
