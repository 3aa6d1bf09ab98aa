// The summary of a run is the same whether its rows arrive whole or in
// parts, and its figures agree with the rows they summarise.
#include "sim/serving/serving_metrics.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "sim/kernel/split_mix64.h"

namespace coesim::serving {
namespace {

// A finished request with latencies of about `scale_ps` (some with an
// expert switch, some of a single token), or every 7th rejected.
RequestRecord record(std::int64_t id, SplitMix64& rng, TimePs scale_ps) {
  RequestRecord q;
  q.request.id = id;
  q.request.arrival_ps = id * scale_ps;
  q.request.output_tokens = 1 + static_cast<std::int64_t>(rng.below(200));
  if (id % 7 == 3) {
    q.outcome = Outcome::Rejected;
    q.reject_reason = id % 2 == 0 ? "too long" : "no room";
    q.finish_ps = q.request.arrival_ps;
    return q;
  }
  q.outcome = Outcome::Finished;
  TimePs t = q.request.arrival_ps + static_cast<TimePs>(rng.below(static_cast<std::uint64_t>(scale_ps)));
  if (rng.below(3) == 0) {
    q.switch_start_ps = t;
    t += static_cast<TimePs>(rng.below(static_cast<std::uint64_t>(scale_ps)));
    q.switch_end_ps = t;
  }
  q.prefill_start_ps = t;
  q.prefill_end_ps = t + 1 + static_cast<TimePs>(rng.below(static_cast<std::uint64_t>(scale_ps)));
  q.tokens_out = q.request.output_tokens;
  q.finish_ps = q.prefill_end_ps + (q.tokens_out - 1) * static_cast<TimePs>(1 + rng.below(1'000'000'000));
  return q;
}

ServingResult run_of(int requests, TimePs scale_ps) {
  ServingResult r;
  SplitMix64 rng(42);
  for (int i = 0; i < requests; ++i) r.requests.push_back(record(i, rng, scale_ps));
  for (int i = 0; i + 4 <= requests; i += 4) {
    BatchRecord b{r.requests[static_cast<std::size_t>(i)].request.arrival_ps, 0, {i, i + 1, i + 2, i + 3}};
    for (int k = i; k < i + 4; ++k) b.end_ps = std::max(b.end_ps, r.requests[static_cast<std::size_t>(k)].finish_ps);
    r.batches.push_back(b);
  }
  for (const RequestRecord& q : r.requests) r.end_ps = std::max(r.end_ps, q.finish_ps);
  r.preemptions = 5;
  r.experts = {{"a", 10, 4, 6, 1, 2, 600}, {"b", 5, 5, 0, 0, 0, 0}};
  return r;
}

TEST(SummaryAccumulator, PartsSumToTheWhole) {
  const ServingResult whole = run_of(500, 3'000'000'000);
  SummaryAccumulator parts;
  std::size_t next_request = 0, next_batch = 0;
  SplitMix64 rng(5);
  while (next_request < whole.requests.size() || next_batch < whole.batches.size()) {
    ServingResult part;
    const std::size_t requests = std::min<std::size_t>(rng.below(60), whole.requests.size() - next_request);
    const std::size_t batches = std::min<std::size_t>(rng.below(15), whole.batches.size() - next_batch);
    part.requests.assign(whole.requests.begin() + static_cast<std::ptrdiff_t>(next_request),
                         whole.requests.begin() + static_cast<std::ptrdiff_t>(next_request + requests));
    part.batches.assign(whole.batches.begin() + static_cast<std::ptrdiff_t>(next_batch),
                        whole.batches.begin() + static_cast<std::ptrdiff_t>(next_batch + batches));
    next_request += requests;
    next_batch += batches;
    parts.add(part);
  }
  ServingResult final_only = whole;  // a streamed run returns no rows
  final_only.requests.clear();
  final_only.batches.clear();
  EXPECT_EQ(to_json(parts.finish(final_only)), to_json(summarize(whole)));
}

TEST(SummaryAccumulator, FiguresAgreeWithTheRows) {
  const ServingResult r = run_of(300, 2'000'000'000);
  const ServingSummary s = summarize(r);
  std::vector<TimePs> e2e;
  std::int64_t tokens = 0;
  for (const RequestRecord& q : r.requests) {
    if (q.outcome == Outcome::Rejected) continue;
    e2e.push_back(q.e2e_ps());
    tokens += q.tokens_out;
  }
  std::sort(e2e.begin(), e2e.end());
  EXPECT_EQ(s.requests, 300u);
  EXPECT_EQ(s.finished, e2e.size());
  EXPECT_EQ(s.rejected, 300u - e2e.size());
  EXPECT_EQ(s.reject_reasons.at("too long") + s.reject_reasons.at("no room"), s.rejected);
  EXPECT_EQ(s.e2e_s.count, e2e.size());
  EXPECT_EQ(s.e2e_s.min, to_seconds(e2e.front()));
  EXPECT_EQ(s.e2e_s.max, to_seconds(e2e.back()));
  const TimePs p90 = e2e[static_cast<std::size_t>(std::ceil(0.9 * static_cast<double>(e2e.size()))) - 1];
  EXPECT_NEAR(s.e2e_s.p90, to_seconds(p90), to_seconds(p90) * s.percentile_relative_error);
  EXPECT_EQ(s.percentile_relative_error, 1.0 / 8192);
  EXPECT_EQ(s.batch_latency_s.count, r.batches.size());
  EXPECT_DOUBLE_EQ(s.output_tokens_per_s, static_cast<double>(tokens) / to_seconds(r.end_ps));
  EXPECT_EQ(s.switches, 6);
  EXPECT_DOUBLE_EQ(s.fast_tier_hit_rate, 9.0 / 15.0);
  EXPECT_EQ(to_json(s).at("percentile_relative_error").get<double>(), 1.0 / 8192);
}

TEST(SummaryAccumulator, SmallLatenciesAreExact) {
  ServingResult r;
  for (const TimePs ttft : {300, 100, 200}) {
    RequestRecord q;
    q.outcome = Outcome::Finished;
    q.prefill_start_ps = 0;
    q.prefill_end_ps = ttft;
    q.finish_ps = ttft + 1000;
    q.tokens_out = 3;
    r.requests.push_back(q);
  }
  const ServingSummary s = summarize(r);
  EXPECT_EQ(s.ttft_s.p50, to_seconds(200));
  EXPECT_EQ(s.ttft_s.min, to_seconds(100));
  EXPECT_EQ(s.ttft_s.mean, 200 * 1e-12);
  EXPECT_EQ(s.tpot_s.p99, to_seconds(500));
}

}  // namespace
}  // namespace coesim::serving
