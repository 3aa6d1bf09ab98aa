#pragma once
// Quantiles of millions of values in bounded memory, deterministically: an
// HDR-style log-linear histogram of non-negative integers (picoseconds).
// With b significant bits (13 by default) values below 2^b are counted
// exactly and each octave [2^e, 2^(e+1)) above is split into 2^(b-1) equal
// buckets, so a quantile is within relative 2^-b (1.2e-4) of the exact
// nearest-rank value; count, min, max and mean are exact. Memory follows the
// values seen, not their count: counters come in pages of 512 (4 KB), a page
// made when a value first lands in it (at 13 bits at most 213k counters,
// 1.7 MB, for any int64). Pages, not one array up to the highest value, so
// a run's few hundred latencies near 1e12 ps take tens of KB, not a zeroed
// megabyte per histogram.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace coesim {

class LogHistogram {
 public:
  static constexpr int kDefaultSignificantBits = 13;

  // Throws std::invalid_argument unless 1 <= significant_bits <= 24.
  explicit LogHistogram(int significant_bits = kDefaultSignificantBits);

  // Bound on |reported - exact| / exact for a quantile at `significant_bits`.
  static double relative_error(int significant_bits = kDefaultSignificantBits);

  // Throws std::invalid_argument for a negative value.
  void add(std::int64_t value);
  // Adds every value of `other`; throws std::invalid_argument when its
  // significant bits differ.
  void merge(const LogHistogram& other);

  int significant_bits() const { return bits_; }
  std::uint64_t count() const { return count_; }
  // Exact; 0 when empty.
  std::int64_t min() const { return min_; }
  std::int64_t max() const { return max_; }
  double mean() const;
  // Nearest rank: the k-th smallest value, k = max(1, ceil(p * count)),
  // reported as its bucket's midpoint clamped to [min, max] (exact for
  // rank 1, rank count and values below 2^bits). p in [0, 1]; 0 when empty.
  std::int64_t value_at_quantile(double p) const;
  // Counters held (in made pages): memory is about bucket_count() * 8 bytes.
  std::size_t bucket_count() const;

  bool operator==(const LogHistogram&) const = default;

 private:
  __extension__ using Sum = unsigned __int128;  // 2^64 values of < 2^63 cannot overflow it

  static constexpr std::size_t kPageBuckets = 512;
  using Page = std::vector<std::uint64_t>;  // empty until a value lands in it, then kPageBuckets counters

  std::size_t bucket_of(std::uint64_t value) const;
  std::int64_t bucket_midpoint(std::size_t bucket) const;
  std::uint64_t& counter(std::size_t bucket);

  int bits_;
  std::vector<Page> pages_;  // bucket b is pages_[b / kPageBuckets][b % kPageBuckets]
  std::uint64_t count_ = 0;
  Sum sum_ = 0;
  std::int64_t min_ = 0, max_ = 0;
};

}  // namespace coesim
