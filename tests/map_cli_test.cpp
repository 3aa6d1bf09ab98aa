// `coesim map` end to end: runs the built binary on the shipped experts file.

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "sim/coe/experts_config.h"
#include "tests/cli_runner.h"
#include "tests/test_support.h"

namespace coesim {
namespace {

using testing::CliResult;
using testing::run_cli;
using testing::slurp;

double params_of(const coe::ExpertsConfig& c, const std::string& name) {
  for (const auto& e : c.experts)
    if (e.name == name) return e.params;
  ADD_FAILURE() << "no expert " << name;
  return 0;
}

TEST(MapCli, JsonAt100BillionPicksGemma27bAndLlama70b) {
  const CliResult r = run_cli("map --experts workloads/coe/experts.yaml --budget-b 100 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  const auto c = coe::load_experts(testing::source_path("workloads/coe/experts.yaml"));
  ASSERT_EQ(j["experts"].size(), 2u);
  EXPECT_EQ(j["experts"][0]["name"], "gemma-2-27b-it");
  EXPECT_EQ(j["experts"][1]["name"], "Llama-3.1-70B-Instruct");
  EXPECT_EQ(j["experts"][1]["scores_measured_on"], "Meta-Llama-3-70B-Instruct (proxy)");
  EXPECT_EQ(j["total_params"].get<double>(), params_of(c, "gemma-2-27b-it") + params_of(c, "Llama-3.1-70B-Instruct"));
  EXPECT_EQ(j["budget_params"].get<double>(), 100e9);
  EXPECT_EQ(j["solver_status"], "optimal");
  EXPECT_EQ(j["assignment"].size(), 6u);
  EXPECT_GE(j["solve_time_s"].get<double>(), 0.0);
  EXPECT_NEAR(j["expected_score"].get<double>(), -j["objective"].get<double>(), 1e-12);
  EXPECT_EQ(j["smallest_feasible_budget_params"].get<double>(), params_of(c, "Qwen2-7B-Instruct"));
}

TEST(MapCli, InfeasibleBudgetExits2AndNamesTheSmallestFeasibleBudget) {
  const CliResult r = run_cli("map --experts workloads/coe/experts.yaml --budget-b 5");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("smallest feasible budget is 7.6156 B params"), std::string::npos) << r.err;
}

TEST(MapCli, SweepBudgetJsonIsAFrontier) {
  const CliResult r = run_cli("map --experts workloads/coe/experts.yaml --sweep-budget --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rows = nlohmann::json::parse(r.out)["rows"];
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0]["experts"][0]["name"], "Qwen2-7B-Instruct");
  EXPECT_EQ(rows[3]["experts"].size(), 2u);
  for (std::size_t i = 1; i < rows.size(); ++i) {
    EXPECT_GT(rows[i]["budget_params"].get<double>(), rows[i - 1]["budget_params"].get<double>());
    EXPECT_GT(rows[i]["expected_score"].get<double>(), rows[i - 1]["expected_score"].get<double>());
  }
}

TEST(MapCli, SweepBudgetTextListsTheTable) {
  const CliResult r = run_cli("map --experts workloads/coe/experts.yaml --budgets-b 5,30,100");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("gemma-2-27b-it + Llama-3.1-70B-Instruct"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("left out, below the smallest feasible budget: 5 B"), std::string::npos) << r.out;
}

TEST(MapCli, BadExpertsFileExits2WithFileAndLine) {
  const auto file = testing::data_path("experts/unknown_expert.yaml");
  const CliResult r = run_cli("map --experts '" + file.string() + "' --budget-b 100");
  EXPECT_EQ(r.exit_code, 2);
  const std::string where = file.string() + ":" + std::to_string(testing::line_of(file, "gpt-5: 4"));
  EXPECT_NE(r.err.find(where), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("scores.0.by_expert.gpt-5"), std::string::npos) << r.err;
}

TEST(MapCli, NeedsExactlyOneOfBudgetAndSweep) {
  EXPECT_EQ(run_cli("map --experts workloads/coe/experts.yaml").exit_code, 2);
  EXPECT_EQ(run_cli("map --experts workloads/coe/experts.yaml --budget-b 100 --sweep-budget").exit_code, 2);
  EXPECT_EQ(run_cli("map --budget-b 100").exit_code, 2);
}

TEST(MapCli, SchemaExpertsListsTheFields) {
  const CliResult r = run_cli("schema experts");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("by_expert"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("category_map"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace coesim
