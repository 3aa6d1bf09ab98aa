#include "sim/serving/serving_metrics.h"

#include <algorithm>
#include <cmath>

namespace coesim::serving {

Distribution distribution(std::vector<double> values) {
  Distribution d;
  d.count = values.size();
  if (values.empty()) return d;
  std::sort(values.begin(), values.end());
  double total = 0;
  for (const double v : values) total += v;
  d.mean = total / static_cast<double>(values.size());
  const auto rank = [&](double p) {
    const auto k = static_cast<std::size_t>(std::ceil(p * static_cast<double>(values.size())));
    return values[std::max<std::size_t>(k, 1) - 1];
  };
  d.p50 = rank(0.50);
  d.p90 = rank(0.90);
  d.p99 = rank(0.99);
  d.max = values.back();
  return d;
}

ServingSummary summarize(const ServingResult& r) {
  ServingSummary s;
  s.requests = r.requests.size();
  std::vector<double> ttft, tpot, e2e, queueing, wait, batches, service;
  double tokens = 0;
  for (const RequestRecord& q : r.requests) {
    if (q.outcome == Outcome::Rejected) {
      ++s.rejected;
      ++s.reject_reasons[q.reject_reason];
      continue;
    }
    ++s.finished;
    ttft.push_back(q.ttft_s());
    if (q.tokens_out > 1) tpot.push_back(q.tpot_s());
    e2e.push_back(q.e2e_s());
    queueing.push_back(q.queueing_s());
    wait.push_back(q.switch_wait_s());
    service.push_back(to_seconds(q.finish_ps - q.prefill_start_ps));
    tokens += static_cast<double>(q.tokens_out);
  }
  for (const BatchRecord& b : r.batches) batches.push_back(to_seconds(b.end_ps - b.start_ps));
  s.ttft_s = distribution(ttft);
  s.tpot_s = distribution(tpot);
  s.e2e_s = distribution(e2e);
  s.queueing_s = distribution(queueing);
  s.switch_wait_s = distribution(wait);
  s.batch_latency_s = distribution(batches);
  s.service_s = distribution(service);
  s.makespan_s = to_seconds(r.end_ps);
  s.preemptions = r.preemptions;
  s.output_tokens_per_s = s.makespan_s > 0 ? tokens / s.makespan_s : 0;
  s.requests_per_s = s.makespan_s > 0 ? static_cast<double>(s.finished) / s.makespan_s : 0;
  std::int64_t requests = 0;
  std::int64_t hits = 0;
  for (const ExpertStats& e : r.experts) {
    s.switches += e.switches;
    s.prefetches += e.prefetches;
    s.evictions += e.evictions;
    s.bytes_moved += static_cast<double>(e.bytes_moved);
    requests += e.requests;
    hits += e.hits;
  }
  s.fast_tier_hit_rate = requests > 0 ? static_cast<double>(hits) / static_cast<double>(requests) : 0;
  return s;
}

nlohmann::json to_json(const Distribution& d) {
  return {{"count", d.count}, {"mean", d.mean}, {"p50", d.p50}, {"p90", d.p90}, {"p99", d.p99}, {"max", d.max}};
}

nlohmann::json to_json(const ServingSummary& s) {
  return {{"requests", s.requests},
          {"finished", s.finished},
          {"rejected", s.rejected},
          {"reject_reasons", s.reject_reasons},
          {"ttft_s", to_json(s.ttft_s)},
          {"tpot_s", to_json(s.tpot_s)},
          {"e2e_s", to_json(s.e2e_s)},
          {"queueing_s", to_json(s.queueing_s)},
          {"switch_wait_s", to_json(s.switch_wait_s)},
          {"batch_latency_s", to_json(s.batch_latency_s)},
          {"service_s", to_json(s.service_s)},
          {"makespan_s", s.makespan_s},
          {"output_tokens_per_s", s.output_tokens_per_s},
          {"requests_per_s", s.requests_per_s},
          {"switches", s.switches},
          {"prefetches", s.prefetches},
          {"evictions", s.evictions},
          {"preemptions", s.preemptions},
          {"bytes_moved", s.bytes_moved},
          {"fast_tier_hit_rate", s.fast_tier_hit_rate}};
}

}  // namespace coesim::serving
