#pragma once
// Category-to-expert mapping under a parameter budget (CoE paper, arXiv
// 2412.01868, section 5.2, eq. 6): choose experts (y_m) and one expert per
// category (X_km) to minimise sum_km C_km X_km subject to sum_m X_km = 1,
// X_km <= y_m and sum_m s_m y_m <= B, solved as a MILP with COIN-OR CBC.
//
// Cost: C_km = -w_k * S_km, with w the category weights normalised to sum 1
// (uniform when none are given, which is the paper's unweighted sum up to a
// constant factor). So minimising the cost maximises the expected score.
//
// Ties (deterministic): (1) highest expected score; (2) among solutions within
// score_tolerance() of it, fewest total parameters (a second CBC solve);
// (3) each category takes the best chosen expert, a tie going to the smaller,
// then the earlier-listed expert. Solutions equal in all three are CBC's
// choice, which is reproducible (single thread, fixed seed).
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/config/config_error.h"

namespace coesim::coe {

// Budgets and sizes on the command line are in billions of parameters.
inline constexpr double kParamsPerBillion = 1e9;

struct MappingExpert {
  std::string name;
  double params = 0;  // parameter count, in the same unit as the budget
};

struct MappingProblem {
  std::vector<std::string> categories;
  std::vector<MappingExpert> experts;
  std::vector<std::vector<double>> scores;  // scores[k][m]: expert m on category k, higher is better
  std::vector<double> category_weights;     // share of prompts per category; empty: uniform
};

struct MappingResult {
  double budget_params = 0;
  std::vector<std::size_t> chosen_experts;  // indices into experts, ascending
  std::vector<std::size_t> assignment;      // assignment[k]: expert serving category k
  double total_params = 0;                  // sum of the chosen experts' params
  double expected_score = 0;                // weighted mean over categories of the assigned score
  double avg_active_params = 0;             // weighted mean over categories of the assigned expert's params
  double objective = 0;                     // the MILP objective sum C_km X_km (= -expected_score)
  double solve_time_s = 0;                  // wall time of the CBC solves
  std::string solver_status;                // e.g. "optimal"
};

// Raised when even the smallest expert exceeds the budget (exit code 2).
class InfeasibleBudget : public config::UsageError {
 public:
  InfeasibleBudget(double budget_params, double smallest_feasible_budget_params, const std::string& smallest_expert);
  double smallest_feasible_budget_params() const { return smallest_feasible_budget_params_; }

 private:
  double smallest_feasible_budget_params_;
};

// Throws config::UsageError for inconsistent sizes, non-finite or negative
// inputs, or weights that sum to zero.
void validate(const MappingProblem& problem);
// Weights normalised to sum 1 (uniform if none given).
std::vector<double> normalised_weights(const MappingProblem& problem);
// One expert can serve every category, so the smallest expert is the smallest feasible budget.
double smallest_feasible_budget(const MappingProblem& problem);
// Expected-score differences below this count as ties (relative to the score scale).
double score_tolerance(const MappingProblem& problem);

// Metrics of a given expert set, each category taking its best chosen expert (tie rule 3).
MappingResult evaluate_choice(const MappingProblem& problem, const std::vector<bool>& chosen);

// Solves the MILP; throws InfeasibleBudget when budget_params < smallest_feasible_budget.
MappingResult solve_mapping(const MappingProblem& problem, double budget_params);

}  // namespace coesim::coe
