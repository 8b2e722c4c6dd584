#pragma once

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

}  // namespace eegd
