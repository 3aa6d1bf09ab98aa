#include "sim/coe/mapping_sweep.h"

#include <numeric>

#include "sim/coe/mapping_milp.h"

namespace coesim::coe {

std::vector<MappingResult> sweep_budgets(const MappingProblem& problem, const std::vector<double>& budgets_params) {
  validate(problem);
  std::vector<MappingResult> out;
  for (double budget : budgets_params)
    if (budget >= smallest_feasible_budget(problem)) out.push_back(solve_mapping(problem, budget));
  return out;
}

std::vector<MappingResult> pareto_sweep(const MappingProblem& problem) {
  validate(problem);
  const double all_params = std::accumulate(problem.experts.begin(), problem.experts.end(), 0.0,
                                            [](double sum, const MappingExpert& e) { return sum + e.params; });
  const double step = 1e3 * score_tolerance(problem);  // 1e-6 of the score scale
  std::vector<MappingResult> out{solve_mapping(problem, smallest_feasible_budget(problem))};
  while (true) {
    // The smallest CoE that beats the last point by at least `step`.
    const MappingResult& last = out.back();
    const MilpSolution better =
        solve_milp(problem, {all_params, MilpObjective::TotalParams, last.objective - step, {}, {}});
    if (!better.found) break;
    const MappingResult candidate = evaluate_choice(problem, better.chosen);
    if (candidate.objective > last.objective - score_tolerance(problem)) break;  // solver tolerance, not a step
    MappingResult next = solve_mapping(problem, candidate.total_params);
    next.solve_time_s += better.solve_time_s;
    out.push_back(std::move(next));
  }
  return out;
}

}  // namespace coesim::coe
