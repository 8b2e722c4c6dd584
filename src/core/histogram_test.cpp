#include "core/histogram.hpp"

#include <gtest/gtest.h>

#include <random>

namespace eegd::core {
namespace {

TEST(Histogram, BucketsCoverEveryValueAndStayWithinSixPercent) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 100000; ++i) {
    const std::uint64_t v = rng() >> (rng() % 64);
    const std::size_t b = histogram::bucket_of(v);
    ASSERT_LT(b, histogram::bucket_count);
    const std::uint64_t upper = histogram::bucket_upper(b);
    ASSERT_GE(upper, v);
    ASSERT_LE(static_cast<double>(upper - v), 0.0625 * static_cast<double>(v) + 1.0) << v;
  }
}

TEST(Histogram, QuantilesOfAKnownDistribution) {
  histogram h;
  for (std::uint64_t v = 1; v <= 10000; ++v) h.record(v * 1000);  // 1 us .. 10 ms, uniform
  const auto s = h.read();
  EXPECT_EQ(s.count, 10000u);
  EXPECT_EQ(s.max, 10'000'000u);
  EXPECT_NEAR(static_cast<double>(s.quantile(0.5)), 5e6, 5e6 * 0.0625);
  EXPECT_NEAR(static_cast<double>(s.quantile(0.99)), 9.9e6, 9.9e6 * 0.0625);
  EXPECT_EQ(s.quantile(1.0), 10'000'000u);
  EXPECT_EQ(s.count_at_most(0), 0u);
  EXPECT_EQ(s.sum, std::uint64_t{1000} * 10000 * 10001 / 2);
}

TEST(Histogram, MergeAddsCounts) {
  histogram a, b;
  a.record(10);
  b.record(1'000'000);
  auto s = a.read();
  s.merge(b.read());
  EXPECT_EQ(s.count, 2u);
  EXPECT_EQ(s.max, 1'000'000u);
  EXPECT_EQ(s.quantile(0.5), 10u);
}

}  // namespace
}  // namespace eegd::core
