#include "sim/kernel/log_histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <stdexcept>
#include <string>

namespace coesim {

LogHistogram::LogHistogram(int significant_bits) : bits_(significant_bits) {
  if (significant_bits < 1 || significant_bits > 24)
    throw std::logic_error("LogHistogram: significant bits must be in [1, 24], not " +
                           std::to_string(significant_bits));
}

double LogHistogram::relative_error(int significant_bits) { return std::ldexp(1.0, -significant_bits); }

// Buckets [0, 2^b) hold one value each; after them each octave e >= b has
// 2^(b-1) buckets of width 2^(e-b+1), indexed by the value's top b bits.
std::size_t LogHistogram::bucket_of(std::uint64_t value) const {
  const std::uint64_t exact = std::uint64_t{1} << bits_;
  if (value < exact) return value;
  const std::uint64_t per_octave = exact / 2;
  const int octave = static_cast<int>(std::bit_width(value)) - 1;
  const int shift = octave - bits_ + 1;
  return exact + static_cast<std::uint64_t>(octave - bits_) * per_octave + ((value >> shift) - per_octave);
}

std::int64_t LogHistogram::bucket_midpoint(std::size_t bucket) const {
  const std::uint64_t exact = std::uint64_t{1} << bits_;
  if (bucket < exact) return static_cast<std::int64_t>(bucket);
  const std::uint64_t per_octave = exact / 2;
  const std::uint64_t above = bucket - exact;
  const int shift = static_cast<int>(above / per_octave) + 1;
  const std::uint64_t lower = (per_octave + above % per_octave) << shift;
  return static_cast<std::int64_t>(lower + (std::uint64_t{1} << (shift - 1)));
}

std::uint64_t& LogHistogram::counter(std::size_t bucket) {
  const std::size_t page = bucket / kPageBuckets;
  if (page >= pages_.size()) pages_.resize(page + 1);
  if (pages_[page].empty()) pages_[page].assign(kPageBuckets, 0);
  return pages_[page][bucket % kPageBuckets];
}

std::size_t LogHistogram::bucket_count() const {
  std::size_t made = 0;
  for (const Page& page : pages_) made += page.size();
  return made;
}

void LogHistogram::add(std::int64_t value) {
  if (value < 0) throw std::logic_error("LogHistogram: negative value " + std::to_string(value));
  ++counter(bucket_of(static_cast<std::uint64_t>(value)));
  min_ = count_ == 0 ? value : std::min(min_, value);
  max_ = count_ == 0 ? value : std::max(max_, value);
  ++count_;
  sum_ += static_cast<std::uint64_t>(value);
}

void LogHistogram::merge(const LogHistogram& other) {
  if (other.bits_ != bits_)
    throw std::logic_error("LogHistogram: cannot merge " + std::to_string(other.bits_) + " significant bits into " +
                           std::to_string(bits_));
  if (other.count_ == 0) return;
  for (std::size_t page = 0; page < other.pages_.size(); ++page) {
    const Page& theirs = other.pages_[page];
    for (std::size_t i = 0; i < theirs.size(); ++i)
      if (theirs[i] != 0) counter(page * kPageBuckets + i) += theirs[i];
  }
  min_ = count_ == 0 ? other.min_ : std::min(min_, other.min_);
  max_ = count_ == 0 ? other.max_ : std::max(max_, other.max_);
  count_ += other.count_;
  sum_ += other.sum_;
}

// Whole part and remainder separately: within an ulp, and the same on every
// platform (long double is not).
double LogHistogram::mean() const {
  if (count_ == 0) return 0;
  const auto whole = static_cast<std::uint64_t>(sum_ / count_);
  const auto remainder = static_cast<std::uint64_t>(sum_ % count_);
  return static_cast<double>(whole) + static_cast<double>(remainder) / static_cast<double>(count_);
}

std::int64_t LogHistogram::value_at_quantile(double p) const {
  if (!(p >= 0.0 && p <= 1.0)) throw std::logic_error("LogHistogram: quantile must be in [0, 1]");
  if (count_ == 0) return 0;
  const auto rank = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(p * static_cast<double>(count_))));
  if (rank == 1) return min_;
  if (rank >= count_) return max_;
  std::uint64_t below = 0;
  for (std::size_t page = 0; page < pages_.size(); ++page)
    for (std::size_t i = 0; i < pages_[page].size(); ++i) {
      below += pages_[page][i];
      if (below >= rank) return std::clamp(bucket_midpoint(page * kPageBuckets + i), min_, max_);
    }
  return max_;
}

}  // namespace coesim
