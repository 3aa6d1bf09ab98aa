// Experts files: the shipped ones load, their scores are the WildBench rows
// they cite, every number cites a source, and bad files fail with file, line
// and field.
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <utility>

#include <gtest/gtest.h>

#include "sim/coe/experts_config.h"
#include "sim/config/config_error.h"
#include "sim/llm/load_model.h"
#include "sim/llm/model_size.h"
#include "tests/test_support.h"

namespace coesim::coe {
namespace {

using testing::data_path;
using testing::line_of;
using testing::source_path;

const char* const kShipped[] = {"experts.yaml", "experts-paper-categories.yaml"};

std::filesystem::path shipped(const std::string& name) { return source_path("workloads/coe/" + name); }

std::size_t index_of_expert(const ExpertsConfig& c, const std::string& name) {
  for (std::size_t m = 0; m < c.experts.size(); ++m)
    if (c.experts[m].name == name) return m;
  ADD_FAILURE() << "no expert " << name;
  return 0;
}

TEST(ExpertsFile, ShippedFileHasThePaperExpertsWithSizesFromTheirModels) {
  const ExpertsConfig c = load_experts(shipped("experts.yaml"));
  ASSERT_EQ(c.experts.size(), 5u);
  ASSERT_EQ(c.categories.size(), 6u);
  const std::pair<const char*, const char*> model_of[] = {{"Qwen2-7B-Instruct", "qwen2-7b"},
                                                          {"gemma-2-9b-it", "gemma-2-9b"},
                                                          {"gemma-2-27b-it", "gemma-2-27b"},
                                                          {"Llama-3.1-70B-Instruct", "llama-3.1-70b"},
                                                          {"Qwen2-72B-Instruct", "qwen2-72b"}};
  for (const auto& [expert, model] : model_of) {
    const auto spec = llm::load_model(source_path(std::string("models/") + model + ".yaml"));
    const ExpertEntry& e = c.experts[index_of_expert(c, expert)];
    EXPECT_EQ(e.params, static_cast<double>(llm::parameter_count(spec))) << expert;
    EXPECT_FALSE(e.params_overridden);
  }
  EXPECT_FALSE(c.experts[index_of_expert(c, "Llama-3.1-70B-Instruct")].scores_measured_on.empty());
  EXPECT_FALSE(c.experts[index_of_expert(c, "Qwen2-7B-Instruct")].scores_measured_on.empty());
}

// Each score equals the WildBench v2 row its expert (or proxy) and category name.
TEST(ExpertsFile, ShippedScoresAreTheWildBenchRows) {
  const auto csv = std::filesystem::path(COESIM_SOURCE_DIR) / "workloads/quality/wildbench-v2-category-scores.csv";
  if (!std::filesystem::exists(csv)) GTEST_SKIP() << "no " << csv;
  std::map<std::pair<std::string, std::string>, double> wildbench;  // (model, category) -> score
  std::ifstream in(csv);
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::stringstream row(line);
    std::string model, judge, category, score;
    std::getline(row, model, ',');
    std::getline(row, judge, ',');
    std::getline(row, category, ',');
    std::getline(row, score, ',');
    wildbench[{model, category}] = std::stod(score);
  }
  const std::map<std::string, std::string> row_of{{"Qwen2-7B-Instruct", "Qwen1.5-7B-Chat@together"},
                                                  {"gemma-2-9b-it", "gemma-2-9b-it"},
                                                  {"gemma-2-27b-it", "gemma-2-27b-it@together"},
                                                  {"Llama-3.1-70B-Instruct", "Meta-Llama-3-70B-Instruct"},
                                                  {"Qwen2-72B-Instruct", "Qwen2-72B-Instruct"}};
  const std::map<std::string, std::string> category_of{
      {"creative_tasks", "Creative Tasks"},           {"planning_reasoning", "Planning & Reasoning"},
      {"math_data_analysis", "Math & Data Analysis"}, {"info_advice_seeking", "Information/Advice seeking"},
      {"coding_debugging", "Coding & Debugging"},     {"general", "ALL (task macro)"}};
  const ExpertsConfig c = load_experts(shipped("experts.yaml"));
  for (std::size_t k = 0; k < c.categories.size(); ++k)
    for (std::size_t m = 0; m < c.experts.size(); ++m) {
      const auto key = std::make_pair(row_of.at(c.experts[m].name), category_of.at(c.categories[k].name));
      ASSERT_TRUE(wildbench.contains(key)) << key.first << " / " << key.second;
      EXPECT_EQ(c.scores[k][m], wildbench.at(key)) << key.first << " / " << key.second;
    }
}

TEST(ExpertsFile, EveryRouterCategoryOfTheShippedPromptSetsIsScored) {
  const ExpertsConfig c = load_experts(shipped("experts.yaml"));
  // MT-Bench, Arena-Hard v2.0 subcategories, HumanEval (coding), GSM8K (math), and the router's catch-all.
  for (const char* label : {"writing", "roleplay", "reasoning", "math", "coding", "extraction", "stem", "humanities",
                            "creative_writing", "general"})
    EXPECT_NO_THROW(c.scoring_category(label)) << label;
  EXPECT_EQ(c.categories[c.scoring_category("stem")].name, "info_advice_seeking");
  EXPECT_EQ(c.categories[c.scoring_category("coding_debugging")].name, "coding_debugging");
  EXPECT_THROW(c.scoring_category("poetry"), config::UsageError);
}

TEST(ExpertsFile, PaperCategoriesFileHasTheFourteenCategories) {
  const ExpertsConfig c = load_experts(shipped("experts-paper-categories.yaml"));
  EXPECT_EQ(c.categories.size(), 14u);
  EXPECT_EQ(c.experts.size(), 5u);
  EXPECT_TRUE(c.sources.contains("example"));
}

// Every numeric value in a shipped experts file cites a key of its sources, as "# [key]".
TEST(ExpertsFile, EveryNumberCitesAKeyOfSources) {
  const std::regex numeric(R"(^\s*(- )?[A-Za-z0-9_.\-]+:\s*[-+]?\.?[0-9])");
  const std::regex citation(R"(#\s*\[([a-z0-9_]+)\])");
  for (const char* name : kShipped) {
    const auto file = shipped(name);
    const ExpertsConfig c = load_experts(file);
    std::ifstream in(file);
    std::string line;
    int numbers = 0;
    for (int n = 1; std::getline(in, line); ++n) {
      if (!std::regex_search(line, numeric)) continue;
      ++numbers;
      std::smatch m;
      ASSERT_TRUE(std::regex_search(line, m, citation)) << file << ":" << n << " cites no source";
      EXPECT_TRUE(c.sources.contains(m[1])) << file << ":" << n << " cites unknown source " << m[1];
    }
    EXPECT_EQ(numbers, static_cast<int>(c.categories.size() * c.experts.size())) << file;
  }
}

TEST(ExpertsFile, SmallFixtureLoadsWithWeightsAndParams) {
  const ExpertsConfig c = load_experts(data_path("experts/small.yaml"));
  const MappingProblem p = c.problem();
  EXPECT_EQ(p.category_weights, (std::vector<double>{1, 3}));
  EXPECT_EQ(p.experts[1].params, 30e9);
  EXPECT_TRUE(c.experts[1].params_overridden);
  EXPECT_EQ(p.scores[1][1], 5);
}

using BadCase = testing::BadFileCase;

class BadExpertsFile : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadExpertsFile, FailsWithFileLineAndField) {
  testing::expect_error_at(data_path(std::string("experts/") + GetParam().file), GetParam(),
                           [](const std::filesystem::path& f) { load_experts(f); });
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BadExpertsFile,
    ::testing::Values(
        BadCase{"unknown_category.yaml", "category: chitchat", "scores.1.category", "unknown category 'chitchat'"},
        BadCase{"unknown_expert.yaml", "gpt-5: 4", "scores.0.by_expert.gpt-5", "unknown expert 'gpt-5'"},
        BadCase{"nan_score.yaml", "b: .nan", "scores.1.by_expert.b", "not a finite number"},
        BadCase{"inf_score.yaml", "b: -.inf", "scores.1.by_expert.b", "not a finite number"},
        BadCase{"missing_score.yaml", "a has no score here", "scores.1.by_expert", "missing score for expert 'a'"},
        BadCase{"negative_weight.yaml", "weight: -1", "categories.chat.weight", "out of range"},
        BadCase{"unknown_map_target.yaml", "coding: programming", "category_map.coding",
                "unknown category 'programming'"},
        BadCase{"missing_model.yaml", "no-such-model", "experts.b.model", "not found"},
        BadCase{"empty_experts.yaml", "experts: []", "experts", "'experts' is empty"}),
    testing::case_name);

}  // namespace
}  // namespace coesim::coe
