#include "sim/coe/expert_mapping.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <set>

#include <fmt/format.h>

#include "sim/coe/mapping_milp.h"

namespace coesim::coe {
namespace {

std::size_t smallest_expert(const MappingProblem& problem) {
  std::size_t best = 0;
  for (std::size_t m = 1; m < problem.experts.size(); ++m)
    if (problem.experts[m].params < problem.experts[best].params) best = m;
  return best;
}

// Tie rule 3: higher score, then fewer params, then the earlier expert.
bool better_for(const MappingProblem& p, std::size_t k, std::size_t a, std::size_t b) {
  if (p.scores[k][a] != p.scores[k][b]) return p.scores[k][a] > p.scores[k][b];
  if (p.experts[a].params != p.experts[b].params) return p.experts[a].params < p.experts[b].params;
  return a < b;
}

}  // namespace

InfeasibleBudget::InfeasibleBudget(double budget_params, double smallest_feasible_budget_params,
                                   const std::string& smallest_expert)
    : config::UsageError(fmt::format(
          "budget {} params is below the smallest feasible budget {} params (expert '{}' alone, serving every "
          "category)",
          budget_params, smallest_feasible_budget_params, smallest_expert)),
      smallest_feasible_budget_params_(smallest_feasible_budget_params) {}

void validate(const MappingProblem& p) {
  if (p.categories.empty()) throw config::UsageError("expert mapping: no categories");
  if (p.experts.empty()) throw config::UsageError("expert mapping: no experts");
  if (p.scores.size() != p.categories.size())
    throw config::UsageError(
        fmt::format("expert mapping: {} score rows for {} categories", p.scores.size(), p.categories.size()));
  for (std::size_t k = 0; k < p.scores.size(); ++k) {
    if (p.scores[k].size() != p.experts.size())
      throw config::UsageError(fmt::format("expert mapping: category '{}' has {} scores for {} experts",
                                           p.categories[k], p.scores[k].size(), p.experts.size()));
    for (std::size_t m = 0; m < p.experts.size(); ++m)
      if (!std::isfinite(p.scores[k][m]))
        throw config::UsageError(
            fmt::format("expert mapping: score of '{}' on '{}' is not finite", p.experts[m].name, p.categories[k]));
  }
  for (const auto& e : p.experts)
    if (!std::isfinite(e.params) || e.params <= 0)
      throw config::UsageError(fmt::format("expert mapping: expert '{}' has params {}", e.name, e.params));
  if (!p.category_weights.empty()) {
    if (p.category_weights.size() != p.categories.size())
      throw config::UsageError(
          fmt::format("expert mapping: {} weights for {} categories", p.category_weights.size(), p.categories.size()));
    for (double v : p.category_weights)
      if (!std::isfinite(v) || v < 0) throw config::UsageError(fmt::format("expert mapping: category weight {}", v));
    if (std::accumulate(p.category_weights.begin(), p.category_weights.end(), 0.0) <= 0)
      throw config::UsageError("expert mapping: category weights sum to zero");
  }
}

std::vector<double> normalised_weights(const MappingProblem& p) {
  if (p.category_weights.empty()) return std::vector<double>(p.categories.size(), 1.0 / p.categories.size());
  const double sum = std::accumulate(p.category_weights.begin(), p.category_weights.end(), 0.0);
  std::vector<double> w;
  for (double v : p.category_weights) w.push_back(v / sum);
  return w;
}

double smallest_feasible_budget(const MappingProblem& p) { return p.experts.at(smallest_expert(p)).params; }

double score_tolerance(const MappingProblem& p) {
  double scale = 1.0;
  for (const auto& row : p.scores)
    for (double s : row) scale = std::max(scale, std::fabs(s));
  return 1e-9 * scale;
}

MappingResult evaluate_choice(const MappingProblem& p, const std::vector<bool>& chosen) {
  const std::vector<double> w = normalised_weights(p);
  MappingResult r;
  std::set<std::size_t> used;
  for (std::size_t k = 0; k < p.categories.size(); ++k) {
    std::size_t best = p.experts.size();
    for (std::size_t m = 0; m < p.experts.size(); ++m)
      if (chosen[m] && (best == p.experts.size() || better_for(p, k, m, best))) best = m;
    if (best == p.experts.size()) throw std::logic_error("evaluate_choice: no expert chosen");
    r.assignment.push_back(best);
    used.insert(best);
    r.expected_score += w[k] * p.scores[k][best];
    r.avg_active_params += w[k] * p.experts[best].params;
  }
  r.chosen_experts.assign(used.begin(), used.end());
  for (std::size_t m : r.chosen_experts) r.total_params += p.experts[m].params;
  r.objective = -r.expected_score;
  return r;
}

MappingResult solve_mapping(const MappingProblem& p, double budget_params) {
  validate(p);
  const std::size_t smallest = smallest_expert(p);
  if (budget_params < p.experts[smallest].params)
    throw InfeasibleBudget(budget_params, p.experts[smallest].params, p.experts[smallest].name);

  const auto started = std::chrono::steady_clock::now();
  // Tie rule 1: the paper's objective.
  const MilpSolution best_score = solve_milp(p, {budget_params, MilpObjective::Cost, std::nullopt, {}, {}});
  if (!best_score.found) throw std::runtime_error("expert mapping: CBC found no solution: " + best_score.status);
  MappingResult r = evaluate_choice(p, best_score.chosen);

  // Tie rule 2: fewest parameters among solutions as good within the tolerance,
  // over the columns that can still be 1 in such a solution.
  const double tolerance = score_tolerance(p);
  const double max_cost = r.objective + tolerance;
  const MilpSolution fewest = solve_milp(p, {budget_params, MilpObjective::TotalParams, max_cost, best_score.chosen,
                                             columns_within_cost(p, budget_params, max_cost, 1e3 * tolerance)});
  if (fewest.found) {
    const MappingResult smaller = evaluate_choice(p, fewest.chosen);
    if (smaller.objective <= max_cost && smaller.total_params < r.total_params) r = smaller;
  }
  const bool proven = best_score.proven_optimal && fewest.proven_optimal;
  if (r.total_params > budget_params)
    throw std::runtime_error(fmt::format("expert mapping: CBC returned {} params for a budget of {} (tolerance)",
                                         r.total_params, budget_params));
  r.budget_params = budget_params;
  r.solve_time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  r.solver_status = proven ? "optimal" : fmt::format("not proven optimal ({}; {})", best_score.status, fewest.status);
  return r;
}

}  // namespace coesim::coe
