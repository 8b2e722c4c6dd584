#include "core/histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace eegd::core {

std::size_t histogram::bucket_of(std::uint64_t v) noexcept {
  constexpr std::uint64_t sub = 1u << sub_bits;
  if (v < sub) return static_cast<std::size_t>(v);
  const int msb = 63 - std::countl_zero(v);  // >= sub_bits
  const int shift = msb - sub_bits;
  const std::uint64_t mantissa = (v >> shift) & (sub - 1);
  return static_cast<std::size_t>((static_cast<std::uint64_t>(shift + 1) << sub_bits) + mantissa);
}

std::uint64_t histogram::bucket_upper(std::size_t index) noexcept {
  constexpr std::uint64_t sub = 1u << sub_bits;
  if (index < sub) return index;
  const std::uint64_t shift = (index >> sub_bits) - 1;
  const std::uint64_t mantissa = (index & (sub - 1)) | sub;
  const std::uint64_t low = mantissa << shift;
  return low + ((std::uint64_t{1} << shift) - 1);
}

void histogram::record(std::uint64_t value) noexcept {
  bump(buckets_[bucket_of(value)], 1);
  bump(count_, 1);
  bump(sum_, value);
  if (value > max_.load(std::memory_order_relaxed)) max_.store(value, std::memory_order_relaxed);
}

histogram::snapshot histogram::read() const noexcept {
  snapshot s;
  for (std::size_t i = 0; i < bucket_count; ++i) s.buckets[i] = buckets_[i].load(std::memory_order_relaxed);
  s.count = count_.load(std::memory_order_relaxed);
  s.sum = sum_.load(std::memory_order_relaxed);
  s.max = max_.load(std::memory_order_relaxed);
  return s;
}

std::uint64_t histogram::snapshot::quantile(double q) const noexcept {
  std::uint64_t total = 0;
  for (auto b : buckets) total += b;
  if (total == 0) return 0;
  const auto rank = static_cast<std::uint64_t>(std::ceil(std::clamp(q, 0.0, 1.0) * static_cast<double>(total)));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < bucket_count; ++i) {
    seen += buckets[i];
    if (seen >= std::max<std::uint64_t>(rank, 1)) return std::min(bucket_upper(i), max);
  }
  return max;
}

std::uint64_t histogram::snapshot::count_at_most(std::uint64_t bound) const noexcept {
  std::uint64_t n = 0;
  for (std::size_t i = 0; i < bucket_count && bucket_upper(i) <= bound; ++i) n += buckets[i];
  return n;
}

void histogram::snapshot::merge(const snapshot& other) noexcept {
  for (std::size_t i = 0; i < bucket_count; ++i) buckets[i] += other.buckets[i];
  count += other.count;
  sum += other.sum;
  max = std::max(max, other.max);
}

}  // namespace eegd::core
