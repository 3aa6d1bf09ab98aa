#pragma once
// The one generator of synthetic requests, for the experiment's burst and
// poisson workloads and for `coesim trace generate`: arrivals (all at 0,
// Poisson or Gamma, optionally modulated by a daily-style sine), token
// lengths (fixed, lognormal or drawn from a real trace's pairs) and experts
// (none, round-robin, uniform or Zipf). One seeded stream, drawn in a fixed
// order per request (arrival, tokens, expert), so a request depends only on
// the seed and the ones before it.
#include <cstdint>
#include <utility>
#include <vector>

#include "sim/kernel/split_mix64.h"
#include "sim/workload/trace_record.h"
#include "sim/workload/zipf_distribution.h"

namespace coesim::workload {

struct SyntheticRequestOptions {
  enum class Arrivals { Burst, Poisson, Gamma };
  Arrivals arrivals = Arrivals::Poisson;
  double rate_per_s = 1;         // Poisson, Gamma
  double cv = 1;                 // Gamma: inter-arrival coefficient of variation
  double diurnal_amplitude = 0;  // rate x (1 + a sin(2 pi t / period)), 0 <= a < 1
  double diurnal_period_s = 86400;
  enum class Tokens { Fixed, Lognormal, Drawn };
  Tokens tokens = Tokens::Lognormal;
  double input_tokens = 512, output_tokens = 128;                 // Fixed: the lengths; Lognormal: the medians
  double input_sigma = 1, output_sigma = 1;                       // Lognormal: sigma of the log
  std::vector<std::pair<std::int64_t, std::int64_t>> drawn_from;  // Drawn: (input, output) pairs
  enum class Experts { None, RoundRobin, Uniform, Zipf };
  Experts experts = Experts::None;
  std::int32_t expert_count = 0;
  double zipf_alpha = 1;
  std::uint64_t seed = 1;
};

// Throws std::invalid_argument for options out of range.
class SyntheticRequests {
 public:
  explicit SyntheticRequests(SyntheticRequestOptions options);
  // The next request: arrival, tokens and (unless None) expert set.
  TraceRecord next();

 private:
  double unit() { return rng_.unit(); }
  double normal();
  double gamma(double shape);
  double next_arrival_s();

  SyntheticRequestOptions o_;
  SplitMix64 rng_;
  ZipfDistribution zipf_;
  std::int64_t made_ = 0;
  double operational_s_ = 0;  // time in units where the mean rate is rate_per_s
  double arrival_s_ = 0;
};

}  // namespace coesim::workload
