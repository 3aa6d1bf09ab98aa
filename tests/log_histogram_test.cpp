// LogHistogram against exact nearest-rank percentiles of the same values:
// within relative 2^-13, exact where it promises to be, and bounded memory.
#include "sim/kernel/log_histogram.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "sim/kernel/split_mix64.h"

namespace coesim {
namespace {

std::int64_t exact_nearest_rank(std::vector<std::int64_t> sorted, double p) {
  const auto rank =
      std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(p * static_cast<double>(sorted.size()))));
  return sorted[std::min(rank, sorted.size()) - 1];
}

LogHistogram histogram_of(const std::vector<std::int64_t>& values) {
  LogHistogram h;
  for (const std::int64_t v : values) h.add(v);
  return h;
}

const std::vector<double> kQuantiles{0.0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999, 1.0};

TEST(LogHistogram, ValuesBelowTwoToTheBitsAreExact) {
  std::vector<std::int64_t> values;
  SplitMix64 rng(7);
  for (int i = 0; i < 5000; ++i) values.push_back(static_cast<std::int64_t>(rng.below(8192)));
  const LogHistogram h = histogram_of(values);
  std::sort(values.begin(), values.end());
  for (const double p : kQuantiles) EXPECT_EQ(h.value_at_quantile(p), exact_nearest_rank(values, p)) << p;
  EXPECT_EQ(h.bucket_count(), 8192u);  // 5000 values over [0, 8192) land in all 16 pages of 512
}

TEST(LogHistogram, ValuesFarApartTakeAPageEachNotTheRangeBetween) {
  // Two latencies near 1 s and 2 s in picoseconds: dense counters up to the
  // larger would be ~125k (1 MB); pages of 512 make two.
  LogHistogram h = histogram_of({1'000'000'000'000, 2'000'000'000'000});
  EXPECT_EQ(h.bucket_count(), 1024u);
  EXPECT_EQ(h.value_at_quantile(0.5), 1'000'000'000'000);
  LogHistogram other = histogram_of({5, 1'000'000'000'000});
  h.merge(other);
  EXPECT_EQ(h.bucket_count(), 1536u);  // merging makes only the page of 5
  EXPECT_EQ(h.count(), 4u);
  EXPECT_EQ(h, histogram_of({5, 1'000'000'000'000, 1'000'000'000'000, 2'000'000'000'000}));
}

TEST(LogHistogram, LargeValuesReportTheirBucketMidpoint) {
  // 2^20 lies in an octave of 4096 buckets 256 wide: [2^20, 2^20 + 256).
  const std::int64_t base = std::int64_t{1} << 20;
  const LogHistogram h = histogram_of({base + 1, base + 100, 2 * base});
  EXPECT_EQ(h.value_at_quantile(0.5), base + 128);
  EXPECT_EQ(h.value_at_quantile(0.0), base + 1);  // rank 1 is the min, exact
  EXPECT_EQ(h.value_at_quantile(1.0), 2 * base);  // rank n is the max, exact
  EXPECT_EQ(LogHistogram::relative_error(13), 1.0 / 8192);
}

TEST(LogHistogram, EmptyReportsZeros) {
  const LogHistogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.mean(), 0.0);
  EXPECT_EQ(h.value_at_quantile(0.5), 0);
  EXPECT_EQ(h.bucket_count(), 0u);
}

TEST(LogHistogram, NegativeValuesAndMismatchedMergesThrow) {
  LogHistogram h;
  try {
    h.add(-5);
    FAIL() << "expected std::logic_error";
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find("-5"), std::string::npos) << e.what();
  }
  EXPECT_EQ(h.count(), 0u);
  EXPECT_THROW(h.merge(LogHistogram(12)), std::logic_error);
  EXPECT_THROW(LogHistogram(0), std::logic_error);
  EXPECT_THROW(h.value_at_quantile(1.5), std::logic_error);
}

TEST(LogHistogram, MemoryFollowsTheValueRangeNotTheCount) {
  LogHistogram h;
  SplitMix64 rng(11);
  for (int i = 0; i < 1'000'000; ++i) h.add(1'000'000'000 + static_cast<std::int64_t>(rng.below(999'000'000'000)));
  EXPECT_EQ(h.count(), 1'000'000u);
  EXPECT_LT(h.bucket_count(), 200'000u);
}

TEST(LogHistogram, MeanIsExactPastInt64Sums) {
  LogHistogram h;
  const std::int64_t big = std::int64_t{3} << 61;
  for (int i = 0; i < 8; ++i) h.add(big + 2048 * i);  // the sum is past 2^65
  EXPECT_EQ(h.mean(), static_cast<double>(big + 7 * 1024));
}

// Values spread over every octave up to 2^62, with runs of duplicates.
rc::Gen<std::vector<std::int64_t>> values_gen() {
  return rc::gen::mapcat(rc::gen::inRange(1, 400), [](int n) {
    const auto one = rc::gen::mapcat(
        rc::gen::inRange(0, 63), [](int bits) { return rc::gen::inRange<std::int64_t>(0, std::int64_t{1} << bits); });
    const auto few = rc::gen::element<std::int64_t>(0, 8191, 8192, 123'456'789, std::int64_t{1} << 62);
    return rc::gen::container<std::vector<std::int64_t>>(static_cast<std::size_t>(n), rc::gen::oneOf(one, few));
  });
}

RC_GTEST_PROP(LogHistogramProperty, QuantilesAreNearestRankWithinTwoToTheMinus13, ()) {
  std::vector<std::int64_t> values = *values_gen();
  const double extra = *rc::gen::inRange(0, 1001) / 1000.0;
  const LogHistogram h = histogram_of(values);
  std::sort(values.begin(), values.end());
  RC_ASSERT(h.count() == values.size());
  RC_ASSERT(h.min() == values.front());
  RC_ASSERT(h.max() == values.back());
  std::vector<double> ps = kQuantiles;
  ps.push_back(extra);
  for (const double p : ps) {
    const std::int64_t exact = exact_nearest_rank(values, p);
    const std::int64_t reported = h.value_at_quantile(p);
    // |error| <= exact >> 13 implies |error| / exact <= 2^-13.
    RC_ASSERT((reported > exact ? reported - exact : exact - reported) <= (exact >> 13));
  }
  long double sum = 0;
  for (const std::int64_t v : values) sum += static_cast<long double>(v);
  const double mean = static_cast<double>(sum / static_cast<long double>(values.size()));
  RC_ASSERT(std::abs(h.mean() - mean) <= 1e-12 * mean);
}

RC_GTEST_PROP(LogHistogramProperty, MergeEqualsAddingBoth, ()) {
  const std::vector<std::int64_t> values = *values_gen();
  const auto cut = static_cast<std::ptrdiff_t>(*rc::gen::inRange<std::size_t>(0, values.size() + 1));
  LogHistogram merged = histogram_of({values.begin(), values.begin() + cut});
  merged.merge(histogram_of({values.begin() + cut, values.end()}));
  RC_ASSERT(merged == histogram_of(values));
}

}  // namespace
}  // namespace coesim
