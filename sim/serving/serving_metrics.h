#pragma once
// Summary figures of a serving run: latency distributions, throughput,
// expert switches and fast-tier hit rate, and the per-batch latency of
// router-batched schedulers. Finished requests only in the latency figures;
// rejected ones are counted with their reasons. Built from rows as they
// stream in, in memory bounded by the latency range, not the request count:
// p50/p90/p99 are nearest-rank to within relative 2^-13 (1.2e-4, see
// LogHistogram); count, min, mean and max are exact (TPOT per request is
// first rounded to the picosecond).
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "sim/kernel/log_histogram.h"
#include "sim/serving/result_sink.h"
#include "sim/serving/serving_simulation.h"

namespace coesim::serving {

struct Distribution {
  std::size_t count = 0;
  double mean = 0, p50 = 0, p90 = 0, p99 = 0, max = 0;
  double min = 0;
};

struct ServingSummary {
  std::size_t requests = 0, finished = 0, rejected = 0;
  std::map<std::string, std::size_t> reject_reasons;
  Distribution ttft_s, tpot_s, e2e_s, queueing_s, switch_wait_s, batch_latency_s;
  Distribution service_s;                // prefill start to finish: execution alone, no waiting
  double percentile_relative_error = 0;  // bound on p50/p90/p99 relative to the exact nearest rank
  double makespan_s = 0;
  double output_tokens_per_s = 0;
  double requests_per_s = 0;
  std::int64_t switches = 0, prefetches = 0, evictions = 0, preemptions = 0;
  std::int64_t context_rejected = 0, context_truncated = 0;  // requests longer than their expert's context
  double bytes_moved = 0;
  double fast_tier_hit_rate = 0;  // prefills that found their expert resident
};

// Takes a run's final rows part by part (as a ResultSink receives them);
// the result is the same however the rows are split into parts.
class SummaryAccumulator : public ResultSink {
 public:
  // Counts `part.requests` (finished or rejected) and `part.batches` (ended).
  void add(const ServingResult& part);
  // As a run's sink: every part it hands over is added.
  void append(const ServingResult& part) override { add(part); }
  // The run-wide figures (end time, preemptions, expert stats) come from
  // `whole_run`; its row vectors are not read (they may be empty).
  ServingSummary finish(const ServingResult& whole_run) const;

 private:
  std::size_t requests_ = 0, rejected_ = 0;
  std::map<std::string, std::size_t> reject_reasons_;
  std::int64_t output_tokens_ = 0;
  LogHistogram ttft_ps_, tpot_ps_, e2e_ps_, queueing_ps_, switch_wait_ps_, service_ps_, batch_latency_ps_;
};

// A run held whole: one SummaryAccumulator fed the result at once.
ServingSummary summarize(const ServingResult& result);
nlohmann::json to_json(const ServingSummary& summary);
nlohmann::json to_json(const Distribution& d);

}  // namespace coesim::serving
