#include "sim/serving/serving_metrics.h"

namespace coesim::serving {
namespace {

Distribution seconds_of(const LogHistogram& ps) {
  Distribution d;
  d.count = ps.count();
  if (d.count == 0) return d;
  d.min = to_seconds(ps.min());
  d.mean = ps.mean() * 1e-12;
  d.p50 = to_seconds(ps.value_at_quantile(0.50));
  d.p90 = to_seconds(ps.value_at_quantile(0.90));
  d.p99 = to_seconds(ps.value_at_quantile(0.99));
  d.max = to_seconds(ps.max());
  return d;
}

}  // namespace

void SummaryAccumulator::add(const ServingResult& part) {
  requests_ += part.requests.size();
  for (const RequestRecord& q : part.requests) {
    if (q.outcome == Outcome::Rejected) {
      ++rejected_;
      ++reject_reasons_[q.reject_reason];
      continue;
    }
    ttft_ps_.add(q.ttft_ps());
    if (q.tokens_out > 1) tpot_ps_.add(q.tpot_ps());
    e2e_ps_.add(q.e2e_ps());
    queueing_ps_.add(q.queueing_ps());
    switch_wait_ps_.add(q.switch_wait_ps());
    service_ps_.add(q.service_ps());
    output_tokens_ += q.tokens_out;
  }
  for (const BatchRecord& b : part.batches) batch_latency_ps_.add(b.end_ps - b.start_ps);
}

ServingSummary SummaryAccumulator::finish(const ServingResult& r) const {
  ServingSummary s;
  s.requests = requests_;
  s.finished = requests_ - rejected_;
  s.rejected = rejected_;
  s.reject_reasons = reject_reasons_;
  s.ttft_s = seconds_of(ttft_ps_);
  s.tpot_s = seconds_of(tpot_ps_);
  s.e2e_s = seconds_of(e2e_ps_);
  s.queueing_s = seconds_of(queueing_ps_);
  s.switch_wait_s = seconds_of(switch_wait_ps_);
  s.batch_latency_s = seconds_of(batch_latency_ps_);
  s.service_s = seconds_of(service_ps_);
  s.percentile_relative_error = LogHistogram::relative_error(ttft_ps_.significant_bits());
  s.makespan_s = to_seconds(r.end_ps);
  s.preemptions = r.preemptions;
  s.context_rejected = r.context_rejected;
  s.context_truncated = r.context_truncated;
  s.output_tokens_per_s = s.makespan_s > 0 ? static_cast<double>(output_tokens_) / s.makespan_s : 0;
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

ServingSummary summarize(const ServingResult& r) {
  SummaryAccumulator a;
  a.add(r);
  return a.finish(r);
}

nlohmann::json to_json(const Distribution& d) {
  return {{"count", d.count}, {"min", d.min}, {"mean", d.mean}, {"p50", d.p50},
          {"p90", d.p90},     {"p99", d.p99}, {"max", d.max}};
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
          {"percentile_relative_error", s.percentile_relative_error},
          {"makespan_s", s.makespan_s},
          {"output_tokens_per_s", s.output_tokens_per_s},
          {"requests_per_s", s.requests_per_s},
          {"switches", s.switches},
          {"prefetches", s.prefetches},
          {"evictions", s.evictions},
          {"preemptions", s.preemptions},
          {"context_rejected", s.context_rejected},
          {"context_truncated", s.context_truncated},
          {"bytes_moved", s.bytes_moved},
          {"fast_tier_hit_rate", s.fast_tier_hit_rate}};
}

}  // namespace coesim::serving
