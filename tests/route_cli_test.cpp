// `coesim route` and `coesim label` end to end: JSON output on a real prompt
// set, cross-validation, and exit code 2 with file/line/field for bad input.
#include <filesystem>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "sim/coe/hdf5_embeddings.h"
#include "sim/coe/prompt_set.h"
#include "tests/cli_runner.h"

namespace coesim {
namespace {

using testing::run_cli;

TEST(RouteCli, RoutesARealPromptSetWithJsonSummary) {
  const auto r = run_cli(
      "route --router workloads/coe/router-arena-hard-v2.yaml --prompts workloads/prompts/humaneval-problems.jsonl "
      "--entropy-threshold-bits 1.0 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["prompts"].size(), 164u);
  EXPECT_EQ(j["prompts"][0]["prompt_id"], "HumanEval/0");
  int total = 0;
  for (const auto& [name, count] : j["summary"]["per_category"].items()) total += count.get<int>();
  EXPECT_EQ(total, 164);
  for (const auto& p : j["prompts"]) {
    const bool general = p["category"] == "general";
    EXPECT_EQ(general, p["entropy_bits"].get<double>() > 1.0);
  }
}

TEST(RouteCli, ExpertsAndBudgetGiveEachPromptItsMilpExpert) {
  const auto r = run_cli(
      "route --router workloads/coe/router-mt-bench.yaml --prompts workloads/prompts/vicuna-bench-questions.jsonl "
      "--category-field - --entropy-threshold-bits 1.5 --experts workloads/coe/experts.yaml --budget-b 30 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  const auto& m = j["mapping"];
  // At 30 B only one of the five experts fits beside nothing else: every
  // prompt goes to the single chosen expert, whose size is the active size.
  ASSERT_EQ(m["chosen_experts"].size(), 1u);
  EXPECT_LE(m["total_params"].get<double>(), 30e9);
  EXPECT_DOUBLE_EQ(m["avg_active_params"].get<double>(), m["total_params"].get<double>());
  for (const auto& p : j["prompts"]) EXPECT_EQ(p["expert"], m["chosen_experts"][0]);
  int total = 0;
  for (const auto& [name, count] : m["prompts_per_expert"].items()) total += count.get<int>();
  EXPECT_EQ(total, 80);
  const auto bad = run_cli(
      "route --router workloads/coe/router-mt-bench.yaml --prompts "
      "workloads/prompts/vicuna-bench-questions.jsonl --experts workloads/coe/experts.yaml");
  EXPECT_EQ(bad.exit_code, 2);
}

TEST(RouteCli, CrossValidationReportsAccuracyAndBaseline) {
  const auto r = run_cli("route --router workloads/coe/router-vicuna-bench.yaml --cross-validate 4 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["prompts"], 80);
  EXPECT_EQ(j["fold_accuracy"].size(), 4u);
  EXPECT_GT(j["accuracy"].get<double>(), j["majority_baseline_accuracy"].get<double>());
  EXPECT_FALSE(j["threshold_sweep"].empty());
}

TEST(RouteCli, MalformedPromptLineExitsTwoWithLine) {
  const auto r =
      run_cli("route --router workloads/coe/router-mt-bench.yaml --prompts tests/data/prompts/malformed_line.jsonl");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("malformed_line.jsonl:2"), std::string::npos) << r.err;
}

TEST(RouteCli, MissingTextFieldExitsTwoWithField) {
  const auto r =
      run_cli("route --router workloads/coe/router-mt-bench.yaml --prompts tests/data/prompts/missing_text.jsonl");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("missing_text.jsonl:3"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("prompt"), std::string::npos) << r.err;
}

TEST(RouteCli, EmptyBankExitsTwo) {
  const auto r =
      run_cli("route --router tests/data/router/empty_bank.yaml --prompts workloads/prompts/mt-bench-questions.jsonl");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("empty.jsonl"), std::string::npos) << r.err;
}

TEST(RouteCli, Hdf5DimensionMismatchExitsTwo) {
  const auto dir = std::filesystem::temp_directory_path() / ("coesim-route-h5-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  coe::write_hdf5_embeddings(dir / "emb.h5", {"a", "b"}, coe::EmbeddingMatrix::Ones(2, 3));
  coe::write_prompts_jsonl(dir / "bank.jsonl", {{"a", "x", "math"}, {"b", "y", "code"}});
  {
    std::ofstream yaml(dir / "router.yaml");
    yaml << "name: h5\nbank:\n  file: bank.jsonl\nembedder:\n  kind: hdf5\n  dimension: 4\n  files: [emb.h5]\n";
  }
  const auto r =
      run_cli("route --router " + (dir / "router.yaml").string() + " --prompts " + (dir / "bank.jsonl").string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("emb.h5"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("dimension 3 where 4"), std::string::npos) << r.err;
  // With the right dimension it routes: each bank prompt is its own nearest neighbour.
  const auto ok = run_cli("route --router " + (dir / "router.yaml").string() + " --set embedder.dimension=3 --set k=1" +
                          " --prompts " + (dir / "bank.jsonl").string() + " --json");
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  std::filesystem::remove_all(dir);
}

TEST(LabelCli, WritesANewBankAndLeavesItUntouchedOnError) {
  const auto dir = std::filesystem::temp_directory_path() / ("coesim-label-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto out = dir / "bank.jsonl";
  const auto r = run_cli(
      "label --router workloads/coe/router-arena-hard-v2.yaml --pool "
      "workloads/prompts/gsm8k-test.jsonl --entropy-threshold-bits 0.8 --out " +
      out.string() + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["pool"], 1319);
  int kept = 0;
  int dropped = 0;
  for (const auto& c : j["per_category"]) {
    kept += c["kept"].get<int>();
    dropped += c["dropped"].get<int>();
  }
  EXPECT_EQ(kept + dropped, 1319);
  EXPECT_EQ(j["kept"], kept);
  const coe::PromptSet bank = coe::load_prompt_set(out);
  EXPECT_EQ(bank.prompts.size(), 750u + static_cast<std::size_t>(kept));
  const std::string before = testing::slurp(out);
  const auto bad = run_cli(
      "label --router workloads/coe/router-arena-hard-v2.yaml --pool "
      "tests/data/prompts/malformed_line.jsonl --entropy-threshold-bits 0.8 --out " +
      out.string());
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(testing::slurp(out), before);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace coesim
