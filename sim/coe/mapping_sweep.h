#pragma once
// Budget sweeps of the expert mapping: the Pareto table (budget -> experts,
// expected score, average active params) that the paper plots as score
// against budget. Either at given budgets, or exactly at the budgets where
// the optimum changes, found by asking CBC for the smallest CoE that scores
// better than the last one.
#include <vector>

#include "sim/coe/expert_mapping.h"

namespace coesim::coe {

// One solution per budget, in the given order; budgets below the smallest
// feasible budget are left out.
std::vector<MappingResult> sweep_budgets(const MappingProblem& problem, const std::vector<double>& budgets_params);

// Every point of the frontier, from the smallest feasible budget up to the
// CoE no larger budget improves on; each row's budget_params is the budget at
// which that solution first becomes optimal (its total_params). Improvements
// smaller than 1e-6 of the score scale are not counted as steps.
std::vector<MappingResult> pareto_sweep(const MappingProblem& problem);

}  // namespace coesim::coe
