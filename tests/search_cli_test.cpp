// `coesim search capacity` end to end on small experiments: the rate it
// finds meets the SLO when `coesim run` runs at it and a rate 2 x tolerance
// higher does not; the probes and runs are reported with every JSON field;
// a trace is scaled by rate_scale; rejected requests miss the SLO; a kind
// with no rate is refused with exit 2, and so is bad usage; over a sweep,
// each point gets the search it gets alone, in sweep order on any threads.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/cli_runner.h"

namespace coesim {
namespace {

using testing::run_cli;

// A Poisson experiment of 200 requests on the small platform: about 0.3 s a run.
const std::string kPoisson = "tests/data/experiments/valid.yaml --set workload.requests=200";

nlohmann::json search_json(const std::string& args) {
  const auto r = run_cli("search capacity " + args + " --json --quiet");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return nlohmann::json::parse(r.out);
}

// p99 TTFT and rejected requests of `coesim run` at a rate.
std::pair<double, int> run_at_rate(double rate_per_s) {
  const auto r = run_cli(fmt::format("run {} --set workload.rate_per_s={} --json --quiet", kPoisson, rate_per_s));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  return {j["summary"]["ttft_s"]["p99"].get<double>(), j["summary"]["rejected"].get<int>()};
}

TEST(SearchCli, TheRateFoundMeetsTheSloAndOneTwoTolerancesHigherDoesNot) {
  const double slo_s = 0.05;
  const double tolerance = 0.02;
  const auto j = search_json(fmt::format("{} --slo-ttft-p99-s {} --rel-tolerance {}", kPoisson, slo_s, tolerance));
  ASSERT_EQ(j["outcome"], "found") << j.dump(2);
  EXPECT_TRUE(j["met"].get<bool>());
  EXPECT_EQ(j["load_setting"], "workload.rate_per_s");
  const double rate = j["capacity"]["load"].get<double>();
  const double not_met = j["bracket"]["not_met_load"].get<double>();
  EXPECT_DOUBLE_EQ(j["bracket"]["met_load"].get<double>(), rate);
  EXPECT_LE(not_met / rate - 1, tolerance);
  EXPECT_DOUBLE_EQ(j["capacity"]["scale"].get<double>(), rate / 100);  // valid.yaml's own rate is 100/s

  const auto [p99_at, rejected_at] = run_at_rate(rate);
  EXPECT_LE(p99_at, slo_s);
  EXPECT_EQ(rejected_at, 0);
  EXPECT_DOUBLE_EQ(p99_at, j["capacity"]["ttft_p99_s"].get<double>());  // the probe was that very run
  const auto [p99_above, rejected_above] = run_at_rate(rate * (1 + 2 * tolerance));
  EXPECT_GT(p99_above, slo_s);

  // Every probe is listed; the runs are counted.
  ASSERT_EQ(j["runs"].get<std::size_t>(), j["probes"].size());
  EXPECT_GE(j["runs"].get<int>(), 3);
  EXPECT_DOUBLE_EQ(j["probes"][0]["load"].get<double>(), 100);  // from the experiment's own rate
  for (const auto& p : j["probes"]) {
    const double load = p["load"].get<double>();
    EXPECT_EQ(p["met"].get<bool>(), load <= rate) << load;
    EXPECT_EQ(p["why_not"].is_null(), p["met"].get<bool>());
  }
}

TEST(SearchCli, JsonHasEveryField) {
  const auto j = search_json(kPoisson + " --slo-ttft-p99-s 0.05 --slo-tpot-p99-s 1");
  for (const char* key :
       {"experiment",    "file",       "platform", "load_setting",    "experiment_load", "slo",
        "outcome",       "met",        "capacity", "bracket",         "lo_load",         "hi_load",
        "rel_tolerance", "runs",       "max_runs", "stopped_because", "assumption",      "non_monotone",
        "probes",        "provenance", "wall_s"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_DOUBLE_EQ(j["slo"]["tpot_p99_s"].get<double>(), 1);
  for (const char* key : {"load", "scale", "mean_requests_per_s", "requests", "arrival_span_s", "makespan_s",
                          "ttft_p99_s", "tpot_p99_s", "run_command"})
    EXPECT_TRUE(j["capacity"].contains(key)) << key;
  EXPECT_EQ(j["capacity"]["requests"], 200);
  EXPECT_NE(j["capacity"]["run_command"].get<std::string>().find("--set workload.rate_per_s="), std::string::npos);
  for (const char* key : {"run", "load", "scale", "requests", "arrival_span_s", "makespan_s", "mean_requests_per_s",
                          "ttft_p99_s", "tpot_p99_s", "rejected", "reject_reasons", "met", "why_not", "trace_hash"})
    EXPECT_TRUE(j["probes"][0].contains(key)) << key;
  EXPECT_NE(j["assumption"].get<std::string>().find("monotone in load"), std::string::npos);
  EXPECT_TRUE(j["provenance"].contains("experiment_yaml"));
}

TEST(SearchCli, TextNamesTheAnswerTheBracketTheRunsAndTheAssumption) {
  const auto r = run_cli("search capacity " + kPoisson + " --slo-ttft-p99-s 0.05");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* part : {"capacity: workload.rate_per_s ", "requests/s mean", "bracket: met at", " runs",
                           "bisection assumes p99 latency is monotone in load", "no: p99 TTFT"})
    EXPECT_NE(r.out.find(part), std::string::npos) << part << "\n" << r.out;
  EXPECT_NE(r.err.find("coesim: search: run 1: workload.rate_per_s=100"), std::string::npos) << r.err;
}

TEST(SearchCli, ATraceIsScaledByRateScale) {
  const auto j =
      search_json("tests/data/experiments/trace_modulo.yaml --set context_limit=truncate --slo-ttft-p99-s 0.015");
  EXPECT_EQ(j["load_setting"], "workload.rate_scale");
  EXPECT_DOUBLE_EQ(j["experiment_load"].get<double>(), 1);
  EXPECT_EQ(j["outcome"], "found") << j.dump(2);
  const auto& first = j["probes"][0];
  EXPECT_EQ(first["requests"], 20);
  // requests / arrival span, and the span shrinks as the scale grows.
  EXPECT_NEAR(first["mean_requests_per_s"].get<double>(), 20 / first["arrival_span_s"].get<double>(), 1e-9);
  for (const auto& p : j["probes"])
    EXPECT_NEAR(p["arrival_span_s"].get<double>() * p["scale"].get<double>(), first["arrival_span_s"].get<double>(),
                1e-9);
}

TEST(SearchCli, RejectedRequestsMissTheSloSaySoAndGiveNoAnswer) {
  // The excerpt's longest prompts do not fit the small model's context: rejected at any load.
  const auto j = search_json("tests/data/experiments/trace_modulo.yaml --slo-ttft-p99-s 100 --lo 0.5");
  EXPECT_EQ(j["outcome"], "not_met");
  EXPECT_FALSE(j["met"].get<bool>());
  EXPECT_TRUE(j["capacity"].is_null());
  EXPECT_EQ(j["runs"], 2);  // 1, then 0.5 (--lo)
  const std::string why = j["probes"][0]["why_not"].get<std::string>();
  EXPECT_NE(why.find("requests rejected"), std::string::npos) << why;
  EXPECT_NE(why.find("context_limit=truncate"), std::string::npos) << why;
  const auto r = run_cli("search capacity tests/data/experiments/trace_modulo.yaml --slo-ttft-p99-s 100 --lo 0.5");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("capacity: none: not met even at the lowest load allowed, 0.5 (--lo)"), std::string::npos)
      << r.out;
}

TEST(SearchCli, MetAtHiIsALowerBound) {
  const auto j = search_json(kPoisson + " --slo-ttft-p99-s 100 --hi 300");
  EXPECT_EQ(j["outcome"], "at_least");
  EXPECT_DOUBLE_EQ(j["capacity"]["load"].get<double>(), 300);
  EXPECT_TRUE(j["bracket"]["not_met_load"].is_null());
  EXPECT_EQ(j["runs"], 3);  // 100, 200, 300
  const auto r = run_cli("search capacity " + kPoisson + " --slo-ttft-p99-s 100 --hi 300 --quiet");
  EXPECT_NE(r.out.find("capacity: at least workload.rate_per_s 300"), std::string::npos) << r.out;
}

TEST(SearchCli, AWorkloadWithNoRateIsRefusedAtItsKind) {
  const auto r = run_cli("search capacity results/samba-coe/sn40l-node.yaml --slo-ttft-p99-s 1");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("results/samba-coe/sn40l-node.yaml:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("field 'workload.kind'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("kind burst has no rate to scale"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty());
}

// A configuration that could not exist (its experts do not fit the slow
// tier) may still meet the SLO: the search says so with the runs' warnings.
TEST(SearchCli, TheRunsWarningsAreReported) {
  const std::string small_dram = kPoisson + " --set 'platform.devices.host.tiers.dram.capacity_bytes=100 MB'";
  const auto j = search_json(small_dram + " --slo-ttft-p99-s 0.05");
  ASSERT_EQ(j["warnings"].size(), 1u) << j.dump(2);
  EXPECT_NE(j["warnings"][0]["text"].get<std::string>().find("could not keep them all"), std::string::npos);
  EXPECT_EQ(j["probes"][0]["warnings"].size(), 1u);
  const auto r = run_cli("search capacity " + small_dram + " --slo-ttft-p99-s 0.05 --quiet");
  EXPECT_NE(r.out.find("\n  warning: the experts need"), std::string::npos) << r.out;
  EXPECT_TRUE(search_json(kPoisson + " --slo-ttft-p99-s 0.05")["warnings"].empty());
}

// A search per point of a sweep: the same answer and probes as searching that
// point's settings alone, in sweep order, the same on 1 or 2 threads.
TEST(SearchCli, OverASweepEachPointGetsTheSearchItGetsAlone) {
  const auto dir = std::filesystem::temp_directory_path() / fmt::format("coesim-capacity-sweep-{}", ::getpid());
  std::filesystem::create_directories(dir);
  const auto sweep = dir / "sweep.yaml";
  std::ofstream(sweep) << fmt::format(
      "name: capacity\nexperiment: {}/tests/data/experiments/valid.yaml\nset: [workload.requests=200]\n"
      "grid:\n  - path: platform.devices.gpu.compute.peak_flops_per_s\n    values: [100 TFLOP/s, 30 TFLOP/s, 10 "
      "TFLOP/s]\n",
      COESIM_SOURCE_DIR);
  const auto one = search_json(fmt::format("--sweep {} --slo-ttft-p99-s 0.05", sweep.string()));
  auto two = search_json(fmt::format("--sweep {} --slo-ttft-p99-s 0.05 --jobs 2", sweep.string()));
  ASSERT_EQ(one["searches"].size(), 3u) << one.dump(2);
  for (std::size_t i = 0; i < 3; ++i) {
    const auto& s = one["searches"][i];
    EXPECT_EQ(s["point"].get<std::size_t>(), i);
    const std::string assignment = s["settings"][0].get<std::string>();
    const auto alone = search_json(kPoisson + " --set '" + assignment + "' --slo-ttft-p99-s 0.05");
    ASSERT_EQ(s["outcome"], "found") << assignment;
    EXPECT_EQ(s["capacity"]["load"], alone["capacity"]["load"]) << assignment;
    EXPECT_EQ(s["bracket"], alone["bracket"]) << assignment;
    EXPECT_TRUE(s["probes"] == alone["probes"]) << assignment;
    EXPECT_NE(s["capacity"]["run_command"].get<std::string>().find(assignment), std::string::npos);
    EXPECT_EQ(s["provenance"]["experiment_yaml"], two["searches"][i]["provenance"]["experiment_yaml"]);
  }
  // Slower compute serves less.
  EXPECT_GT(one["searches"][0]["capacity"]["load"].get<double>(), one["searches"][2]["capacity"]["load"].get<double>());
  two["wall_s"] = one["wall_s"];  // and the command line, which names --jobs
  for (std::size_t i = 0; i < 3; ++i) two["searches"][i]["provenance"] = one["searches"][i]["provenance"];
  EXPECT_TRUE(one == two) << "1 and 2 threads differ";

  const auto r = run_cli(fmt::format("search capacity {} --sweep {} --slo-ttft-p99-s 1", kPoisson, sweep.string()));
  EXPECT_EQ(r.exit_code, 2) << r.err;  // an experiment or a sweep, not both
  std::filesystem::remove_all(dir);
}

TEST(SearchCli, BadUsageExitsTwo) {
  for (const std::string& args : {kPoisson,                                            // no SLO
                                  kPoisson + " --slo-ttft-p99-s 0",                    // not > 0
                                  kPoisson + " --slo-ttft-p99-s 1 --lo 10 --hi 5",     // an empty range
                                  kPoisson + " --slo-ttft-p99-s 1 --rel-tolerance 0",  // no tolerance
                                  kPoisson + " --slo-ttft-p99-s 1 --max-runs 0",       // no runs
                                  kPoisson + " --slo-ttft-p99-s 1 --set workload.bogus=1"}) {
    const auto r = run_cli("search capacity " + args);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.err;
  }
  EXPECT_EQ(run_cli("search").exit_code, 2);  // a subcommand is required
}

}  // namespace
}  // namespace coesim
