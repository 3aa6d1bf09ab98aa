#include "sim/coe/mapping_milp.h"

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <iterator>
#include <mutex>

#include <CbcModel.hpp>
#include <CbcSolver.hpp>
#include <CoinPackedMatrix.hpp>
#include <OsiClpSolverInterface.hpp>
#include <fmt/format.h>

namespace coesim::coe {
namespace {

// Column layout of eq. 7: X_km at k*M + m, then y_m at K*M + m.
struct Layout {
  int categories;
  int experts;
  int x(int k, int m) const { return k * experts + m; }
  int y(int m) const { return categories * experts + m; }
  int columns() const { return categories * experts + experts; }
};

Layout layout_of(const MappingProblem& p) {
  return {static_cast<int>(p.categories.size()), static_cast<int>(p.experts.size())};
}

struct Rows {
  std::vector<int> row, column;
  std::vector<double> value, lower, upper;

  int add(double lo, double up) {
    lower.push_back(lo);
    upper.push_back(up);
    return static_cast<int>(lower.size()) - 1;
  }
  void set(int r, int c, double v) {
    row.push_back(r);
    column.push_back(c);
    value.push_back(v);
  }
};

// C_km = -w_k S_km for every X_km column; 0 for y.
std::vector<double> cost_vector(const MappingProblem& p) {
  const Layout at = layout_of(p);
  const std::vector<double> w = normalised_weights(p);
  std::vector<double> c(static_cast<std::size_t>(at.columns()), 0.0);
  for (int k = 0; k < at.categories; ++k)
    for (int m = 0; m < at.experts; ++m) c[at.x(k, m)] = -w[k] * p.scores[k][m];
  return c;
}

// The LP of the request, every column marked integer (binary).
OsiClpSolverInterface build(const MappingProblem& p, const MilpRequest& request) {
  const Layout at = layout_of(p);
  const std::vector<double> cost = cost_vector(p);
  // The budget row in units of the largest expert keeps its coefficients near 1.
  double params_scale = 0;
  for (const auto& e : p.experts) params_scale = std::max(params_scale, e.params);

  Rows rows;
  for (int k = 0; k < at.categories; ++k) {  // sum_m X_km = 1
    const int r = rows.add(1, 1);
    for (int m = 0; m < at.experts; ++m) rows.set(r, at.x(k, m), 1);
  }
  for (int k = 0; k < at.categories; ++k)  // X_km - y_m <= 0
    for (int m = 0; m < at.experts; ++m) {
      const int r = rows.add(-COIN_DBL_MAX, 0);
      rows.set(r, at.x(k, m), 1);
      rows.set(r, at.y(m), -1);
    }
  const int budget_row = rows.add(-COIN_DBL_MAX, request.budget_params / params_scale);  // sum s_m y_m <= B
  for (int m = 0; m < at.experts; ++m) rows.set(budget_row, at.y(m), p.experts[m].params / params_scale);
  if (request.max_cost) {  // sum C_km X_km <= max_cost
    const int r = rows.add(-COIN_DBL_MAX, *request.max_cost);
    for (int c = 0; c < at.categories * at.experts; ++c) rows.set(r, c, cost[c]);
  }

  std::vector<double> objective(cost.size(), 0.0);
  if (request.objective == MilpObjective::Cost) objective = cost;
  for (int m = 0; m < at.experts; ++m)
    if (request.objective == MilpObjective::TotalParams) objective[at.y(m)] = p.experts[m].params / params_scale;

  std::vector<double> lower(objective.size(), 0.0), upper(objective.size(), 1.0);
  for (std::size_t c = 0; c < request.allowed_columns.size(); ++c)
    if (!request.allowed_columns[c]) upper[c] = 0.0;

  const CoinPackedMatrix matrix(false, rows.row.data(), rows.column.data(), rows.value.data(),
                                static_cast<CoinBigIndex>(rows.value.size()));
  OsiClpSolverInterface lp;
  lp.messageHandler()->setLogLevel(0);
  lp.loadProblem(matrix, lower.data(), upper.data(), objective.data(), rows.lower.data(), rows.upper.data());
  for (int c = 0; c < at.columns(); ++c) lp.setInteger(c);
  return lp;
}

// Offers CBC a known feasible solution (the experts in `start`) as its first incumbent.
void set_start(CbcModel& model, const MappingProblem& p, const std::vector<bool>& chosen) {
  const Layout at = layout_of(p);
  const MappingResult start = evaluate_choice(p, chosen);
  std::vector<double> x(static_cast<std::size_t>(at.columns()), 0.0);
  for (int k = 0; k < at.categories; ++k) x[at.x(k, static_cast<int>(start.assignment[k]))] = 1;
  for (std::size_t m : start.chosen_experts) x[at.y(static_cast<int>(m))] = 1;
  const double* objective = model.solver()->getObjCoefficients();
  double value = 0;
  for (int c = 0; c < at.columns(); ++c) value += objective[c] * x[c];
  model.setBestSolution(x.data(), at.columns(), value, true);
}

std::string describe_status(const CbcModel& model) {
  if (model.isProvenOptimal()) return "optimal";
  if (model.isProvenInfeasible()) return "infeasible";
  return fmt::format("cbc status {} secondary {}", model.status(), model.secondaryStatus());
}

}  // namespace

std::vector<bool> columns_within_cost(const MappingProblem& problem, double budget_params, double max_cost,
                                      double margin) {
  OsiClpSolverInterface lp = build(problem, {budget_params, MilpObjective::Cost, std::nullopt, {}, {}});
  lp.initialSolve();
  std::vector<bool> allowed(static_cast<std::size_t>(lp.getNumCols()), true);
  if (!lp.isProvenOptimal()) return allowed;
  // For any integer solution x: cost(x) >= bound + sum_j d_j x_j over columns at
  // their lower bound (d_j >= 0), so a column with bound + d_j > max_cost is 0.
  const double bound = lp.getObjValue();
  const double* reduced = lp.getReducedCost();
  const double* value = lp.getColSolution();
  for (int c = 0; c < lp.getNumCols(); ++c)
    if (value[c] < 1e-9 && bound + reduced[c] > max_cost + margin) allowed[c] = false;
  return allowed;
}

MilpSolution solve_milp(const MappingProblem& problem, const MilpRequest& request) {
  const auto started = std::chrono::steady_clock::now();
  const Layout at = layout_of(problem);
  const OsiClpSolverInterface lp = build(problem, request);

  // CBC's standalone driver brings its primal heuristics (feasibility pump,
  // mini branch-and-bound), which find the incumbent that lets reduced-cost
  // fixing prune most columns. Its preprocessing and cut rounds cost more
  // than they save on this model (1000 x 50: 4 s with them, 2 s without).
  // The driver parses its arguments through CBC globals (CbcOrClpRead_mode),
  // so concurrent solves, e.g. from threaded sweeps, take turns.
  static std::mutex driver_mutex;
  const std::lock_guard<std::mutex> lock(driver_mutex);
  CbcModel model(lp);
  CbcSolverUsefulData settings;
  CbcMain0(model, settings);
  model.setLogLevel(0);
  model.messageHandler()->setLogLevel(0);
  model.solver()->messageHandler()->setLogLevel(0);
  if (!request.start.empty()) set_start(model, problem, request.start);
  // Prove optimality to the last bit the data resolve; CBC's default gaps stop earlier.
  const char* args[] = {
      "coesim-mapping", "-log",  "0",           "-threads", "0",     "-allowableGap", "1e-10",  "-ratioGap", "0",
      "-increment",     "1e-10", "-preprocess", "off",      "-cuts", "off",           "-solve", "-quit"};
  CbcMain1(static_cast<int>(std::size(args)), args, model, nullptr, settings);

  MilpSolution out;
  out.status = describe_status(model);
  out.proven_optimal = model.isProvenOptimal();
  if (const double* x = model.bestSolution(); x != nullptr) {
    out.found = true;
    out.chosen.resize(static_cast<std::size_t>(at.experts));
    for (int m = 0; m < at.experts; ++m) out.chosen[m] = x[at.y(m)] > 0.5;
  }
  out.solve_time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return out;
}

}  // namespace coesim::coe
