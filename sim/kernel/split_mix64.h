#pragma once
// splitmix64 (Steele, Lea and Flood): a tiny generator whose stream depends
// only on the seed, so seeded choices (folds, workloads, samples, prompts)
// are the same on every platform and standard library.
#include <cstdint>

namespace coesim {

class SplitMix64 {
 public:
  static constexpr std::uint64_t kGamma = 0x9e3779b97f4a7c15ULL;

  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() { return mix(state_ += kGamma); }
  // Uniform in (0, 1), never 0 or 1 (safe under log).
  double unit() { return (static_cast<double>(next() >> 11) + 0.5) * 0x1.0p-53; }
  // Uniform in [0, n); the modulo bias is negligible for the n used here.
  std::uint64_t below(std::uint64_t n) { return next() % n; }

  // The finaliser alone: a well-mixed 64-bit hash of one value.
  static std::uint64_t mix(std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

 private:
  std::uint64_t state_;
};

}  // namespace coesim
