#pragma once

#include <array>
#include <atomic>
#include <cstdint>

namespace eegd::core {

// A log-linear histogram of durations in nanoseconds (16 sub-buckets per power
// of two: quantiles are within ~6%). One thread records; any thread may read
// at any time without locks. Fixed size, so recording never allocates.
class histogram {
 public:
  static constexpr int sub_bits = 4;
  static constexpr std::size_t bucket_count = (64 - sub_bits + 1) << sub_bits;

  void record(std::uint64_t value) noexcept;

  struct snapshot {
    std::array<std::uint64_t, bucket_count> buckets{};
    std::uint64_t count = 0;
    std::uint64_t sum = 0;
    std::uint64_t max = 0;

    // Smallest recorded bucket bound below which a fraction q of values lie.
    std::uint64_t quantile(double q) const noexcept;
    // Values <= bound (approximate at bucket resolution), for Prometheus buckets.
    std::uint64_t count_at_most(std::uint64_t bound) const noexcept;
    void merge(const snapshot& other) noexcept;
  };
  snapshot read() const noexcept;

  static std::size_t bucket_of(std::uint64_t value) noexcept;
  static std::uint64_t bucket_upper(std::size_t index) noexcept;

 private:
  static void bump(std::atomic<std::uint64_t>& c, std::uint64_t by) noexcept {
    c.store(c.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
  }
  std::array<std::atomic<std::uint64_t>, bucket_count> buckets_{};
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> sum_{0};
  std::atomic<std::uint64_t> max_{0};
};

}  // namespace eegd::core
