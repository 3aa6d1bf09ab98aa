#pragma once
// The CBC side of the expert mapping: builds the paper's MILP (eq. 6/7; binary
// X_km stacked category-major, then binary y_m) over OsiClpSolverInterface and
// solves it quietly, single-threaded and deterministically. Kept apart from
// expert_mapping.cpp so the lexicographic tie-break and the budget sweep can
// ask for the variants they need (another objective, an extra cost row).
#include <optional>
#include <string>
#include <vector>

#include "sim/coe/expert_mapping.h"

namespace coesim::coe {

enum class MilpObjective {
  Cost,         // sum_km C_km X_km, C_km = -w_k S_km: the paper's objective
  TotalParams,  // sum_m s_m y_m: for tie-breaking and the budget sweep
};

struct MilpRequest {
  double budget_params = 0;
  MilpObjective objective = MilpObjective::Cost;
  std::optional<double> max_cost;     // adds the row sum_km C_km X_km <= max_cost
  std::vector<bool> start;            // a feasible choice of experts to start from (optional)
  std::vector<bool> allowed_columns;  // false: the column is fixed to 0 (empty: all free)
};

struct MilpSolution {
  bool found = false;  // a feasible (and, when proven_optimal, optimal) solution
  bool proven_optimal = false;
  std::vector<bool> chosen;  // y_m
  std::string status;        // "optimal", "infeasible", or CBC's status/secondary status
  double solve_time_s = 0;
};

// Which columns can be 1 in any solution of the Cost MILP with cost <= max_cost,
// by reduced-cost fixing at its LP relaxation (a column that would push the
// bound above max_cost + margin is 0). Shrinks the tie-break solve to the few
// columns that can still matter.
std::vector<bool> columns_within_cost(const MappingProblem& problem, double budget_params, double max_cost,
                                      double margin);

MilpSolution solve_milp(const MappingProblem& problem, const MilpRequest& request);

}  // namespace coesim::coe
