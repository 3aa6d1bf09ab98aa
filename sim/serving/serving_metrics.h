#pragma once
// Summary figures of a serving run: latency distributions (nearest-rank
// percentiles), throughput, expert switches and fast-tier hit rate, and the
// per-batch latency of router-batched schedulers. Finished requests only in
// the latency figures; rejected ones are counted with their reasons.
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/serving/serving_simulation.h"

namespace coesim::serving {

struct Distribution {
  std::size_t count = 0;
  double mean = 0, p50 = 0, p90 = 0, p99 = 0, max = 0;
};

// Nearest-rank percentiles of `values` (which it sorts).
Distribution distribution(std::vector<double> values);

struct ServingSummary {
  std::size_t requests = 0, finished = 0, rejected = 0;
  std::map<std::string, std::size_t> reject_reasons;
  Distribution ttft_s, tpot_s, e2e_s, queueing_s, switch_wait_s, batch_latency_s;
  Distribution service_s;  // prefill start to finish: execution alone, no waiting
  double makespan_s = 0;
  double output_tokens_per_s = 0;
  double requests_per_s = 0;
  std::int64_t switches = 0, prefetches = 0, evictions = 0, preemptions = 0;
  double bytes_moved = 0;
  double fast_tier_hit_rate = 0;  // prefills that found their expert resident
};

ServingSummary summarize(const ServingResult& result);
nlohmann::json to_json(const ServingSummary& summary);
nlohmann::json to_json(const Distribution& d);

}  // namespace coesim::serving
