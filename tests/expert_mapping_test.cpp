// The category-to-expert MILP against brute force, its tie rules, the
// infeasible-budget error and the budget sweep.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "sim/coe/expert_mapping.h"
#include "sim/coe/mapping_sweep.h"

namespace coesim::coe {
namespace {

// Independent of the library: the objective and params of one subset, each
// category served by the subset's best expert.
struct Subset {
  double objective = 0;  // -(weighted mean score)
  double params = 0;
};

Subset score_subset(const MappingProblem& p, std::uint32_t mask) {
  const auto weight = [&](std::size_t k) { return p.category_weights.empty() ? 1.0 : p.category_weights[k]; };
  double weight_sum = 0;
  for (std::size_t k = 0; k < p.categories.size(); ++k) weight_sum += weight(k);
  Subset s;
  for (std::size_t k = 0; k < p.categories.size(); ++k) {
    double best = -std::numeric_limits<double>::infinity();
    for (std::size_t m = 0; m < p.experts.size(); ++m)
      if (mask & (1u << m)) best = std::max(best, p.scores[k][m]);
    s.objective -= weight(k) / weight_sum * best;
  }
  for (std::size_t m = 0; m < p.experts.size(); ++m)
    if (mask & (1u << m)) s.params += p.experts[m].params;
  return s;
}

// Best objective within the budget, and the fewest params reaching it.
Subset brute_force(const MappingProblem& p, double budget) {
  Subset best{std::numeric_limits<double>::infinity(), 0};
  for (std::uint32_t mask = 1; mask < (1u << p.experts.size()); ++mask) {
    const Subset s = score_subset(p, mask);
    if (s.params > budget) continue;
    if (s.objective < best.objective - 1e-9 || (s.objective <= best.objective + 1e-9 && s.params < best.params))
      best = s;
  }
  return best;
}

// Scores on a quarter grid and sizes in whole billions, so ties happen and
// distinct objectives differ by far more than the solver's tolerances.
MappingProblem random_problem() {
  const int experts = *rc::gen::inRange(1, 7);
  const int categories = *rc::gen::inRange(1, 6);
  MappingProblem p;
  for (int k = 0; k < categories; ++k) p.categories.push_back(fmt::format("c{}", k));
  for (int m = 0; m < experts; ++m) p.experts.push_back({fmt::format("e{}", m), 1e9 * *rc::gen::inRange(1, 101)});
  for (int k = 0; k < categories; ++k) {
    std::vector<double> row;
    for (int m = 0; m < experts; ++m) row.push_back(*rc::gen::inRange(-8, 41) / 4.0);
    p.scores.push_back(row);
  }
  if (*rc::gen::arbitrary<bool>()) {
    for (int k = 0; k < categories; ++k) p.category_weights.push_back(*rc::gen::inRange(0, 5));
    p.category_weights[static_cast<std::size_t>(*rc::gen::inRange(0, categories))] += 1;
  }
  return p;
}

RC_GTEST_PROP(ExpertMappingProperty, CbcOptimumEqualsBruteForce, ()) {
  const MappingProblem p = random_problem();
  double all = 0;
  for (const auto& e : p.experts) all += e.params;
  const double budget =
      1e9 * *rc::gen::inRange(static_cast<int>(smallest_feasible_budget(p) / 1e9), static_cast<int>(all / 1e9) + 2);
  const MappingResult r = solve_mapping(p, budget);
  const Subset expected = brute_force(p, budget);
  RC_ASSERT(std::fabs(r.objective - expected.objective) <= 1e-9);
  RC_ASSERT(r.total_params == expected.params);  // tie rule 2: fewest params among the optima
  RC_ASSERT(r.total_params <= budget);
  RC_ASSERT(r.solver_status == std::string("optimal"));
  RC_ASSERT(r.expected_score == -r.objective);
  // Every chosen expert serves a category, and each category's expert is chosen.
  for (std::size_t m : r.chosen_experts)
    RC_ASSERT(std::find(r.assignment.begin(), r.assignment.end(), m) != r.assignment.end());
  const std::vector<double> w = normalised_weights(p);
  double active = 0;
  for (std::size_t k = 0; k < r.assignment.size(); ++k) {
    RC_ASSERT(std::binary_search(r.chosen_experts.begin(), r.chosen_experts.end(), r.assignment[k]));
    active += w[k] * p.experts[r.assignment[k]].params;
  }
  RC_ASSERT(std::fabs(r.avg_active_params - active) <= 1e-6 * active);
}

// The frontier holds exactly the subsets that beat every smaller one.
RC_GTEST_PROP(ExpertMappingProperty, ParetoSweepEqualsBruteForceFrontier, ()) {
  const MappingProblem p = random_problem();
  std::vector<Subset> subsets;
  for (std::uint32_t mask = 1; mask < (1u << p.experts.size()); ++mask) subsets.push_back(score_subset(p, mask));
  std::sort(subsets.begin(), subsets.end(), [](const Subset& a, const Subset& b) {
    return a.params != b.params ? a.params < b.params : a.objective < b.objective;
  });
  std::vector<Subset> frontier;
  for (const Subset& s : subsets)
    if (frontier.empty() || s.objective < frontier.back().objective - 1e-9) frontier.push_back(s);

  const std::vector<MappingResult> sweep = pareto_sweep(p);
  RC_ASSERT(sweep.size() == frontier.size());
  for (std::size_t i = 0; i < sweep.size(); ++i) {
    RC_ASSERT(sweep[i].total_params == frontier[i].params);
    RC_ASSERT(sweep[i].budget_params == frontier[i].params);
    RC_ASSERT(std::fabs(sweep[i].objective - frontier[i].objective) <= 1e-9);
  }
}

MappingProblem three_experts() {
  MappingProblem p;
  p.categories = {"code", "chat"};
  p.experts = {{"big", 30e9}, {"small-code", 7.5e9}, {"small-chat", 12e9}};
  p.scores = {{5, 5, 0}, {5, 0, 5}};
  return p;
}

TEST(ExpertMapping, InfeasibleBudgetNamesTheSmallestFeasibleBudget) {
  const MappingProblem p = three_experts();
  EXPECT_EQ(smallest_feasible_budget(p), 7.5e9);
  try {
    solve_mapping(p, 5e9);
    FAIL() << "expected InfeasibleBudget";
  } catch (const InfeasibleBudget& e) {
    EXPECT_EQ(e.smallest_feasible_budget_params(), 7.5e9);
    EXPECT_NE(std::string(e.what()).find("7500000000"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("small-code"), std::string::npos) << e.what();
  }
  EXPECT_NO_THROW(solve_mapping(p, 7.5e9));
}

TEST(ExpertMapping, EqualScoresGoToFewerTotalParams) {
  // {big} and {small-code, small-chat} both score 5 everywhere; the pair has fewer params.
  const MappingResult r = solve_mapping(three_experts(), 100e9);
  EXPECT_EQ(r.chosen_experts, (std::vector<std::size_t>{1, 2}));
  EXPECT_EQ(r.total_params, 19.5e9);
  EXPECT_EQ(r.expected_score, 5);
  EXPECT_EQ(solve_mapping(three_experts(), 30e9).chosen_experts, (std::vector<std::size_t>{1, 2}));
  // Below 19.5 B either small expert scores 2.5: the smaller one.
  EXPECT_EQ(solve_mapping(three_experts(), 19e9).chosen_experts, (std::vector<std::size_t>{1}));
}

TEST(ExpertMapping, WeightsShiftTheChoiceAndTheAverages) {
  MappingProblem p = three_experts();
  p.scores = {{4, 5, 0}, {4, 0, 5}};
  p.category_weights = {3, 1};
  // Budget for one small expert only: code (weight 3/4) wins.
  const MappingResult r = solve_mapping(p, 12e9);
  EXPECT_EQ(r.chosen_experts, (std::vector<std::size_t>{1}));
  EXPECT_DOUBLE_EQ(r.expected_score, 0.75 * 5 + 0.25 * 0);
  EXPECT_DOUBLE_EQ(r.avg_active_params, 7.5e9);
  const MappingResult both = solve_mapping(p, 20e9);
  EXPECT_DOUBLE_EQ(both.avg_active_params, 0.75 * 7.5e9 + 0.25 * 12e9);
}

TEST(ExpertMapping, SweepAtGivenBudgetsLeavesOutInfeasibleOnes) {
  const std::vector<MappingResult> rows = sweep_budgets(three_experts(), {1e9, 10e9, 19e9, 50e9});
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].budget_params, 10e9);
  EXPECT_EQ(rows[2].total_params, 19.5e9);
}

TEST(ExpertMapping, InconsistentProblemIsAUsageError) {
  MappingProblem p = three_experts();
  p.scores[1].pop_back();
  EXPECT_THROW(solve_mapping(p, 50e9), config::UsageError);
  p = three_experts();
  p.scores[0][0] = std::nan("");
  EXPECT_THROW(solve_mapping(p, 50e9), config::UsageError);
}

}  // namespace
}  // namespace coesim::coe
