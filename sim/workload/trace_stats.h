#pragma once
// Summary of a trace, computed streaming in bounded memory: counts, duration,
// rate, inter-arrival coefficient of variation (Welford), exact token
// percentiles (counts per distinct value), and the category and expert mix.
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace coesim::workload {

struct TokenPercentiles {
  std::int64_t p50 = 0, p90 = 0, p99 = 0, max = 0;
  double mean = 0;
};

struct TraceStats {
  std::int64_t count = 0;
  double duration_s = 0;  // last arrival - first arrival
  double rate_per_s = 0;  // (count - 1) / duration
  double inter_arrival_mean_s = 0;
  double inter_arrival_cv = 0;  // standard deviation / mean
  TokenPercentiles input_tokens, output_tokens;
  std::map<std::string, std::int64_t> categories;  // when present
  std::map<std::int32_t, std::int64_t> experts;    // when present
};

TraceStats trace_stats(const std::filesystem::path& file);
nlohmann::json to_json(const TraceStats& s);

}  // namespace coesim::workload
