// Solve time of the category-to-expert MILP (sim/coe/expert_mapping.h) on
// random instances: E experts x K categories, scores uniform in [0, 10),
// sizes log-uniform in [1e9, 1e11] params, fixed seed. The budget is a share
// of the params of the unconstrained optimum (every category's best expert):
// below 100% it binds, which is where the MILP has work to do; 200% shows the
// easy case. Target: 1,000 x 50 at 50% under 5 s.
// Arguments: experts, categories, budget in % of the unconstrained optimum.
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "sim/coe/expert_mapping.h"

namespace coesim::coe {
namespace {

MappingProblem random_problem(int experts, int categories, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> score(0.0, 10.0), log_size(std::log(1e9), std::log(1e11));
  MappingProblem p;
  for (int k = 0; k < categories; ++k) p.categories.push_back(fmt::format("c{}", k));
  for (int m = 0; m < experts; ++m) p.experts.push_back({fmt::format("e{}", m), std::round(std::exp(log_size(rng)))});
  p.scores.assign(static_cast<std::size_t>(categories), std::vector<double>(static_cast<std::size_t>(experts)));
  for (auto& row : p.scores)
    for (double& s : row) s = score(rng);
  return p;
}

// A share of the total params of the experts that win a category when budget is no object.
double budget_share(const MappingProblem& p, double share) {
  const MappingResult unconstrained = evaluate_choice(p, std::vector<bool>(p.experts.size(), true));
  return share * unconstrained.total_params;
}

void BM_SolveMapping(benchmark::State& state) {
  const MappingProblem p = random_problem(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)), 42);
  const double budget = budget_share(p, static_cast<double>(state.range(2)) / 100.0);
  MappingResult r;
  for (auto _ : state) {
    r = solve_mapping(p, budget);
    benchmark::DoNotOptimize(r.objective);
  }
  state.counters["budget_params"] = budget;
  state.counters["total_params"] = r.total_params;
  state.counters["chosen_experts"] = static_cast<double>(r.chosen_experts.size());
  state.counters["expected_score"] = r.expected_score;
  state.counters["proven_optimal"] = r.solver_status == "optimal" ? 1 : 0;
  state.SetLabel(r.solver_status);
}

BENCHMARK(BM_SolveMapping)
    ->Args({5, 6, 50})
    ->Args({100, 20, 50})
    ->Args({1000, 50, 25})
    ->Args({1000, 50, 50})
    ->Args({1000, 50, 75})
    ->Args({1000, 50, 200})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->Repetitions(3)
    ->ReportAggregatesOnly(true);

}  // namespace
}  // namespace coesim::coe

BENCHMARK_MAIN();
