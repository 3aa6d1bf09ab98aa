// The capacity search's bracketing and bisection on made-up probes (p99 TTFT
// = a function of load), so every outcome and its bookkeeping is checked
// without running a simulation: found within tolerance from either side,
// at_least at --hi and when runs run out, not_met down to --lo, and a
// latency that falls by more than 1% as load rises is reported.
#include <cmath>
#include <functional>
#include <stdexcept>

#include <gtest/gtest.h>

#include "sim/experiment/capacity_search.h"

namespace coesim::experiment {
namespace {

// A probe whose p99 TTFT is latency(load) seconds, judged against `slo`.
std::function<LoadProbe(double)> made_up(const LatencySlo& slo, std::function<double(double)> latency) {
  return [slo, latency = std::move(latency)](double load) {
    LoadProbe p;
    p.load = load;
    p.scale = load;
    p.ttft_p99_s = latency(load);
    judge(p, slo);
    return p;
  };
}

CapacitySearchOptions options(double start, const LatencySlo& slo) {
  CapacitySearchOptions o;
  o.slo = slo;
  o.start_load = start;
  return o;
}

const auto kLinear = [](double load) { return load; };

TEST(CapacitySearch, FindsTheCrossingWithinToleranceFromAMetStart) {
  const LatencySlo slo{3.7, std::nullopt};
  const CapacitySearch s = search_capacity(options(1, slo), made_up(slo, kLinear));
  EXPECT_EQ(s.outcome, CapacityOutcome::found);
  ASSERT_TRUE(s.met_load && s.not_met_load);
  EXPECT_LE(*s.met_load, 3.7);
  EXPECT_GT(*s.not_met_load, 3.7);
  EXPECT_LE(*s.not_met_load / *s.met_load - 1, 0.02);
  EXPECT_DOUBLE_EQ(s.probes[0].load, 1);  // then 2, 4 (missed), then bisection
  EXPECT_DOUBLE_EQ(s.probes[1].load, 2);
  EXPECT_DOUBLE_EQ(s.probes[2].load, 4);
  EXPECT_FALSE(s.probes[2].met);
  EXPECT_NE(s.probes[2].why_not.find("p99 TTFT 4 s > 3.7 s"), std::string::npos) << s.probes[2].why_not;
  EXPECT_LE(s.probes.size(), 10u);
  EXPECT_TRUE(s.non_monotone.empty());
}

TEST(CapacitySearch, HalvesFromAMissedStart) {
  const LatencySlo slo{0.3, std::nullopt};
  const CapacitySearch s = search_capacity(options(1, slo), made_up(slo, kLinear));
  EXPECT_EQ(s.outcome, CapacityOutcome::found);
  EXPECT_DOUBLE_EQ(s.probes[1].load, 0.5);
  EXPECT_DOUBLE_EQ(s.probes[2].load, 0.25);
  EXPECT_LE(*s.met_load, 0.3);
  EXPECT_GT(*s.not_met_load, 0.3);
  EXPECT_LE(*s.not_met_load / *s.met_load - 1, 0.02);
}

TEST(CapacitySearch, MetAtTheHighestLoadIsALowerBound) {
  const LatencySlo slo{1e9, std::nullopt};
  CapacitySearchOptions o = options(1, slo);
  o.hi_load = 10;
  const CapacitySearch s = search_capacity(o, made_up(slo, kLinear));
  EXPECT_EQ(s.outcome, CapacityOutcome::at_least);
  EXPECT_DOUBLE_EQ(*s.met_load, 10);
  EXPECT_FALSE(s.not_met_load);
  EXPECT_EQ(s.probes.size(), 5u);  // 1, 2, 4, 8, 10
  EXPECT_NE(s.stopped_because.find("--hi"), std::string::npos);
}

TEST(CapacitySearch, RunningOutOfRunsIsALowerBoundWithItsBracket) {
  const LatencySlo slo{3.7, std::nullopt};
  CapacitySearchOptions o = options(1, slo);
  o.max_runs = 4;
  const CapacitySearch s = search_capacity(o, made_up(slo, kLinear));
  EXPECT_EQ(s.outcome, CapacityOutcome::at_least);
  EXPECT_EQ(s.probes.size(), 4u);
  EXPECT_TRUE(s.met_load && s.not_met_load);
  EXPECT_NE(s.stopped_because.find("--max-runs"), std::string::npos);
}

TEST(CapacitySearch, NotMetEvenAtTheLowestLoadGivesNoAnswer) {
  const LatencySlo slo{0.5, std::nullopt};
  CapacitySearchOptions o = options(1, slo);
  o.lo_load = 0.3;
  const CapacitySearch s = search_capacity(o, made_up(slo, [](double) { return 1.0; }));
  EXPECT_EQ(s.outcome, CapacityOutcome::not_met);
  EXPECT_FALSE(s.met_load);
  EXPECT_DOUBLE_EQ(*s.not_met_load, 0.3);
  EXPECT_EQ(s.probes.size(), 3u);  // 1, 0.5, 0.3
  EXPECT_NE(s.stopped_because.find("--lo"), std::string::npos);
}

TEST(CapacitySearch, RejectedRequestsMissTheSlo) {
  LoadProbe p;
  p.ttft_p99_s = 0.1;
  p.requests = 10;
  p.rejected = 2;
  p.reject_reasons = {{"context_too_long", 2}};
  judge(p, {1.0, std::nullopt});
  EXPECT_FALSE(p.met);
  EXPECT_NE(p.why_not.find("2 of 10 requests rejected (2 context_too_long)"), std::string::npos) << p.why_not;
  LoadProbe tpot;
  tpot.ttft_p99_s = 0.1;
  tpot.tpot_p99_s = 0.2;
  judge(tpot, {1.0, 0.1});
  EXPECT_FALSE(tpot.met);
  EXPECT_NE(tpot.why_not.find("p99 TPOT"), std::string::npos);
}

TEST(CapacitySearch, ALatencyThatFallsAsLoadRisesIsReported) {
  // 0.5 s at load 1, 2.5 s at 2, then 1 s from 4 on: every probe meets 3 s,
  // but the probes show the latency falling from load 2 to 4.
  const LatencySlo slo{3, std::nullopt};
  CapacitySearchOptions o = options(1, slo);
  o.hi_load = 8;
  const CapacitySearch s =
      search_capacity(o, made_up(slo, [](double load) { return load == 2 ? 2.5 : (load > 2 ? 1.0 : 0.5 * load); }));
  EXPECT_EQ(s.outcome, CapacityOutcome::at_least);
  EXPECT_NE(s.non_monotone.find("p99 TTFT fell from 2.5 s at load 2 to 1 s at load 4"), std::string::npos)
      << s.non_monotone;
  // A fall under 1% is not reported.
  const CapacitySearch small =
      search_capacity(o, made_up(slo, [](double load) { return load == 2 ? 1.0 : (load > 2 ? 0.995 : 0.5); }));
  EXPECT_TRUE(small.non_monotone.empty()) << small.non_monotone;
}

TEST(CapacitySearch, RefusesOptionsOutOfRange) {
  const LatencySlo slo{1, std::nullopt};
  CapacitySearchOptions o = options(1, slo);
  o.lo_load = 2;
  o.hi_load = 1;
  EXPECT_THROW(search_capacity(o, made_up(slo, kLinear)), std::invalid_argument);
  EXPECT_THROW(search_capacity(options(0, slo), made_up(slo, kLinear)), std::invalid_argument);
}

}  // namespace
}  // namespace coesim::experiment
