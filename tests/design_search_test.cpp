// Design search: the cheapest point meeting the SLO and the cost / p99 TTFT
// Pareto front, on made-up outcomes and end to end on a small sweep.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "sim/config/config_error.h"
#include "sim/experiment/design_search.h"
#include "tests/cli_runner.h"

namespace coesim {
namespace {

using experiment::SweepOutcome;
using testing::run_cli;
using testing::slurp;

// The figures of a summary with what design search reads.
experiment::PointFigures summary(double ttft_p99_s, std::int64_t rejected = 0, double fast_tier_bytes = 80e9) {
  const nlohmann::json ttft = {{"count", 10}, {"p99", ttft_p99_s}};
  const nlohmann::json tpot = {{"count", 10}, {"p99", 0.01}};
  return experiment::point_figures({{"summary", {{"ttft_s", ttft}, {"tpot_s", tpot}, {"rejected", rejected}}},
                                    {"fast_tier_capacity_bytes_per_device", fast_tier_bytes}});
}

// Four points priced 10, 20, 30, 40 (the swept value itself).
experiment::SweepSpec priced_sweep() {
  experiment::SweepSpec s;
  s.axes = {{"platform.x", {"10", "20", "30", "40"}}};
  s.grid_axes = 1;
  s.cost = experiment::CostModel{"relative", 0, {{0, 1, 1, {}, "test"}}, ""};
  for (std::size_t i = 0; i < 4; ++i)
    s.points.push_back({i, fmt::format("p{}", i), {"platform.x=" + s.axes[0].values[i]}});
  return s;
}

TEST(DesignSearch, TheCheapestPointMeetingTheSloAndTheFront) {
  const experiment::SweepSpec s = priced_sweep();
  // cost 10: too slow; 20: rejects; 30: meets; 40: meets, faster.
  const std::vector<SweepOutcome> outcomes{
      {summary(5.0), ""}, {summary(0.5, 3), ""}, {summary(0.8), ""}, {summary(0.2), ""}};
  const experiment::DesignResult r = experiment::search_design(s, outcomes, {1.0, std::nullopt});
  ASSERT_TRUE(r.cheapest.has_value());
  EXPECT_EQ(*r.cheapest, 2u);
  EXPECT_NE(r.points[0].why_not.find("p99 TTFT 5 s > 1 s"), std::string::npos) << r.points[0].why_not;
  EXPECT_EQ(r.points[1].why_not, "3 requests rejected");
  // Front: 10 (cheapest), 20 (faster than 10), 40 (fastest); 30 is beaten by 20 on both.
  EXPECT_TRUE(r.points[0].on_front);
  EXPECT_TRUE(r.points[1].on_front);
  EXPECT_FALSE(r.points[2].on_front);
  EXPECT_TRUE(r.points[3].on_front);
}

// The front is over cost, p99 TTFT and fast-tier capacity: a dearer, slower
// point with more memory is not beaten on all three.
TEST(DesignSearch, MoreFastTierKeepsAPointOnTheFront) {
  const experiment::SweepSpec s = priced_sweep();
  const std::vector<SweepOutcome> outcomes{
      {summary(5.0), ""}, {summary(0.5), ""}, {summary(0.8, 0, 120e9), ""}, {summary(0.9), ""}};
  const experiment::DesignResult r = experiment::search_design(s, outcomes, {1.0, std::nullopt});
  EXPECT_TRUE(r.points[2].on_front);   // beaten by point 1 on cost and latency, not on memory
  EXPECT_FALSE(r.points[3].on_front);  // beaten by point 1 on all three
  EXPECT_EQ(*r.cheapest, 1u);
}

TEST(DesignSearch, NoPointMeetingItAndNoCostAreSaidSo) {
  experiment::SweepSpec s = priced_sweep();
  const std::vector<SweepOutcome> outcomes{
      {std::nullopt, "bad input: x"}, {summary(2.0), ""}, {summary(3.0), ""}, {summary(4.0), ""}};
  const experiment::DesignResult r = experiment::search_design(s, outcomes, {1.0, 0.005});
  EXPECT_FALSE(r.cheapest.has_value());
  EXPECT_EQ(r.points[0].why_not, "did not run");
  EXPECT_FALSE(r.points[0].on_front);
  s.cost.reset();
  EXPECT_THROW(experiment::search_design(s, outcomes, {1.0, std::nullopt}), config::UsageError);
}

// End to end: the answer meets the SLO when run alone, design.csv and the
// sweep's cost column are written, and a cost term on an unswept path fails at its line.
TEST(DesignSearch, OnASmallSweepTheAnswerMeetsTheSloWhenRunAlone) {
  const auto dir = std::filesystem::temp_directory_path() / fmt::format("coesim-design-{}", ::getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string header = fmt::format(
      "name: design\nexperiment: {}/results/samba-coe/dgx-h100-paper.yaml\n"
      "set: [\"workload={{kind: poisson, rate_per_s: 2, requests: 40}}\"]\n"
      "grid:\n  - path: platform.links.coe_paper_host_link.bandwidth_bytes_per_s\n"
      "    values: [32 GB/s, 64 GB/s, 256 GB/s]\n",
      COESIM_SOURCE_DIR);
  std::ofstream(dir / "sweep.yaml") << header
                                    << "cost:\n  unit: relative\n  fixed: 100\n  terms:\n"
                                       "    - {path: platform.links.coe_paper_host_link.bandwidth_bytes_per_s, "
                                       "per: 1 GB/s, price: 0.5, source: test}\n";
  const auto r = run_cli(fmt::format("search design {} --out {} --slo-ttft-p99-s 1 --json --quiet",
                                     (dir / "sweep.yaml").string(), (dir / "out").string()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  const nlohmann::json& best = j.at("cheapest");
  ASSERT_FALSE(best.is_null()) << r.out;
  EXPECT_LE(best.at("ttft_p99_s").get<double>(), 1.0);
  EXPECT_EQ(best.at("cost").get<double>(), 132.0);  // 64 GB/s: 32 GB/s misses (p99 TTFT about 3 s)
  const auto alone =
      run_cli(fmt::format("run {}/results/samba-coe/dgx-h100-paper.yaml --json --quiet --set "
                          "'workload={{kind: poisson, rate_per_s: 2, requests: 40}}' --set "
                          "'platform.links.coe_paper_host_link.bandwidth_bytes_per_s=64 GB/s'",
                          COESIM_SOURCE_DIR));
  ASSERT_EQ(alone.exit_code, 0) << alone.err;
  EXPECT_EQ(nlohmann::json::parse(alone.out).at("summary").at("ttft_s").at("p99"), best.at("ttft_p99_s"));
  EXPECT_NE(slurp(dir / "out" / "design.csv").find("point,point_id,cost,ttft_p99_s"), std::string::npos);
  EXPECT_NE(slurp(dir / "out" / "sweep.csv").find(",cost,"), std::string::npos);

  std::ofstream(dir / "bad.yaml") << header
                                  << "cost:\n  unit: relative\n  terms:\n"
                                     "    - {path: scheduler.batch_size, per: 1, price: 1, source: test}\n";
  const auto bad = run_cli(fmt::format("search design {} --out {} --slo-ttft-p99-s 1", (dir / "bad.yaml").string(),
                                       (dir / "out2").string()));
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("bad.yaml:10:"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("'scheduler.batch_size' is not swept"), std::string::npos) << bad.err;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace coesim
