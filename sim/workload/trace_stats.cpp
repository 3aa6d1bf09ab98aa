#include "sim/workload/trace_stats.h"

#include <cmath>

#include "sim/workload/trace_file.h"

namespace coesim::workload {
namespace {

// Nearest-rank percentiles from counts per distinct value.
TokenPercentiles percentiles(const std::map<std::int64_t, std::int64_t>& counts, std::int64_t n) {
  TokenPercentiles p;
  if (n == 0) return p;
  double sum = 0;
  for (const auto& [v, c] : counts) sum += static_cast<double>(v) * static_cast<double>(c);
  p.mean = sum / static_cast<double>(n);
  const auto at = [&](double q) {
    const auto rank = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(q * static_cast<double>(n))));
    std::int64_t seen = 0;
    for (const auto& [v, c] : counts)
      if ((seen += c) >= rank) return v;
    return counts.rbegin()->first;
  };
  p.p50 = at(0.5);
  p.p90 = at(0.9);
  p.p99 = at(0.99);
  p.max = counts.rbegin()->first;
  return p;
}

nlohmann::json to_json(const TokenPercentiles& p) {
  return {{"mean", p.mean}, {"p50", p.p50}, {"p90", p.p90}, {"p99", p.p99}, {"max", p.max}};
}

}  // namespace

TraceStats trace_stats(const std::filesystem::path& file) {
  TraceStats s;
  std::map<std::int64_t, std::int64_t> in, out;
  double first = 0, last = 0, mean = 0, m2 = 0;
  std::int64_t gaps = 0;
  read_trace(file, [&](const TraceRecord& r) {
    if (s.count == 0) {
      first = r.arrival_time_s;
    } else {
      const double gap = r.arrival_time_s - last;
      ++gaps;
      const double delta = gap - mean;
      mean += delta / static_cast<double>(gaps);
      m2 += delta * (gap - mean);
    }
    last = r.arrival_time_s;
    ++s.count;
    ++in[r.input_tokens];
    ++out[r.output_tokens];
    if (!r.category.empty()) ++s.categories[r.category];
    if (r.expert >= 0) ++s.experts[r.expert];
    return true;
  });
  s.duration_s = last - first;
  s.rate_per_s = s.duration_s > 0 ? static_cast<double>(s.count - 1) / s.duration_s : 0;
  s.inter_arrival_mean_s = mean;
  s.inter_arrival_cv = gaps > 1 && mean > 0 ? std::sqrt(m2 / static_cast<double>(gaps)) / mean : 0;
  s.input_tokens = percentiles(in, s.count);
  s.output_tokens = percentiles(out, s.count);
  return s;
}

nlohmann::json to_json(const TraceStats& s) {
  nlohmann::json experts = nlohmann::json::object();
  for (const auto& [e, c] : s.experts) experts[std::to_string(e)] = c;
  return {{"count", s.count},
          {"duration_s", s.duration_s},
          {"rate_per_s", s.rate_per_s},
          {"inter_arrival_mean_s", s.inter_arrival_mean_s},
          {"inter_arrival_cv", s.inter_arrival_cv},
          {"input_tokens", to_json(s.input_tokens)},
          {"output_tokens", to_json(s.output_tokens)},
          {"categories", s.categories},
          {"experts", experts}};
}

}  // namespace coesim::workload
