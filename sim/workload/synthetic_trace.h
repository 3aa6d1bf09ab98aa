#pragma once
// Synthetic traces for studies without a real one (`coesim trace
// generate`): Poisson or Gamma arrivals (given rate and coefficient of
// variation), optionally modulated by a daily-style sine, token lengths
// lognormal or drawn from a real trace's (input, output) pairs, and experts
// by Zipf popularity, from SyntheticRequests. It streams into a
// TraceWriter, so 10 M requests cost no memory.
#include <cstdint>
#include <filesystem>
#include <string>

#include "sim/workload/trace_file.h"

namespace coesim::workload {

// A stated bound on one generated trace (about 40 GB of HDF5 at 1e9 rows),
// checked before the first row is written.
inline constexpr std::int64_t kMaxGeneratedRequests = 1'000'000'000;

struct SyntheticTraceOptions {
  std::int64_t requests = 1000;
  double rate_per_s = 1;
  std::string arrivals = "poisson";  // poisson | gamma
  double cv = 1;                     // gamma: inter-arrival coefficient of variation
  double diurnal_amplitude = 0;      // rate x (1 + a sin(2 pi t / period)), 0 <= a < 1
  double diurnal_period_s = 86400;
  // Tokens: lognormal with these medians and log-space sigmas, unless
  // `tokens_from` names a native trace whose (input, output) pairs are drawn.
  double input_median = 512, input_sigma = 1;
  double output_median = 128, output_sigma = 1;
  std::filesystem::path tokens_from;
  std::int32_t experts = 0;  // > 0: expert column by Zipf(zipf_alpha) over this many
  double zipf_alpha = 1;
  std::uint64_t seed = 1;
};

// Throws std::invalid_argument for options out of range.
void generate_trace(const SyntheticTraceOptions& o, TraceWriter& out);

}  // namespace coesim::workload
