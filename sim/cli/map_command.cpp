// `coesim map`: the category-to-expert MILP of the CoE paper (section 5.2) on
// an experts file: which experts fit a parameter budget and which category
// each serves, or the whole budget -> quality frontier with --sweep-budget.
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "sim/cli/command.h"
#include "sim/cli/number_checks.h"
#include "sim/coe/expert_mapping.h"
#include "sim/coe/experts_config.h"
#include "sim/coe/mapping_sweep.h"
#include "sim/config/config_error.h"

namespace coesim::cli {
namespace {


struct MapOptions {
  std::string experts_file;
  double budget_b = 0;
  bool sweep = false;
  std::vector<double> budgets_b;
  bool json = false;
};

std::string expert_names(const coe::ExpertsConfig& cfg, const coe::MappingResult& r) {
  std::vector<std::string> names;
  for (std::size_t m : r.chosen_experts) names.push_back(cfg.experts[m].name);
  return fmt::format("{}", fmt::join(names, " + "));
}

nlohmann::json result_json(const coe::ExpertsConfig& cfg, const coe::MappingResult& r) {
  nlohmann::json chosen = nlohmann::json::array();
  for (std::size_t m : r.chosen_experts) {
    const auto& e = cfg.experts[m];
    chosen.push_back({{"name", e.name},
                      {"params", e.params},
                      {"scores_measured_on", e.scores_measured_on.empty() ? nlohmann::json(nullptr)
                                                                          : nlohmann::json(e.scores_measured_on)}});
  }
  const std::vector<double> w = coe::normalised_weights(cfg.problem());
  nlohmann::json assignment = nlohmann::json::array();
  for (std::size_t k = 0; k < r.assignment.size(); ++k)
    assignment.push_back({{"category", cfg.categories[k].name},
                          {"expert", cfg.experts[r.assignment[k]].name},
                          {"score", cfg.scores[k][r.assignment[k]]},
                          {"weight", w[k]}});
  return {{"budget_params", r.budget_params},
          {"experts", chosen},
          {"assignment", assignment},
          {"total_params", r.total_params},
          {"expected_score", r.expected_score},
          {"avg_active_params", r.avg_active_params},
          {"objective", r.objective},
          {"solve_time_s", r.solve_time_s},
          {"solver_status", r.solver_status}};
}

void print_result(const coe::ExpertsConfig& cfg, const coe::MappingResult& r) {
  fmt::print("budget {:.2f} B params -> {} expert(s), {:.2f} B params in total\n", r.budget_params / coe::kParamsPerBillion,
             r.chosen_experts.size(), r.total_params / coe::kParamsPerBillion);
  fmt::print("expected score {:.4f}, average active params {:.2f} B (category-weighted); CBC {} in {:.3f} s\n\n",
             r.expected_score, r.avg_active_params / coe::kParamsPerBillion, r.solver_status, r.solve_time_s);
  fmt::print("{:<26} {:>10}  {}\n", "expert", "params B", "scores measured on");
  for (std::size_t m : r.chosen_experts) {
    const auto& e = cfg.experts[m];
    fmt::print("{:<26} {:>10.2f}  {}\n", e.name, e.params / coe::kParamsPerBillion,
               e.scores_measured_on.empty() ? "this expert" : e.scores_measured_on);
  }
  const std::vector<double> w = coe::normalised_weights(cfg.problem());
  fmt::print("\n{:<22} {:>7}  {:<26} {:>8}\n", "category", "weight", "expert", "score");
  for (std::size_t k = 0; k < r.assignment.size(); ++k)
    fmt::print("{:<22} {:>7.3f}  {:<26} {:>8.4f}\n", cfg.categories[k].name, w[k], cfg.experts[r.assignment[k]].name,
               cfg.scores[k][r.assignment[k]]);
}

void print_table(const coe::ExpertsConfig& cfg, const std::vector<coe::MappingResult>& rows) {
  fmt::print("{:>10} {:>10} {:>10} {:>12}  {}\n", "budget B", "total B", "score", "avg active B", "experts");
  for (const auto& r : rows)
    fmt::print("{:>10.2f} {:>10.2f} {:>10.4f} {:>12.2f}  {}\n", r.budget_params / coe::kParamsPerBillion,
               r.total_params / coe::kParamsPerBillion, r.expected_score, r.avg_active_params / coe::kParamsPerBillion,
               expert_names(cfg, r));
}

int run_map(const MapOptions& o) {
  const int modes = (o.budget_b > 0 ? 1 : 0) + (o.sweep ? 1 : 0) + (o.budgets_b.empty() ? 0 : 1);
  if (modes != 1) throw config::UsageError("map needs exactly one of --budget-b, --budgets-b or --sweep-budget");
  const coe::ExpertsConfig cfg = coe::load_experts(o.experts_file);
  const coe::MappingProblem problem = cfg.problem();
  const double smallest_params = coe::smallest_feasible_budget(problem);

  if (o.budget_b > 0) {
    coe::MappingResult r;
    try {
      r = coe::solve_mapping(problem, o.budget_b * coe::kParamsPerBillion);
    } catch (const coe::InfeasibleBudget& e) {
      throw config::UsageError(fmt::format(
          "{}: budget {} B params is infeasible: the smallest feasible budget is {:.4f} B params ({} params, the "
          "smallest expert alone serving every category)",
          o.experts_file, o.budget_b, e.smallest_feasible_budget_params() / coe::kParamsPerBillion,
          e.smallest_feasible_budget_params()));
    }
    if (o.json) {
      nlohmann::json j = result_json(cfg, r);
      j["experts_file"] = o.experts_file;
      j["smallest_feasible_budget_params"] = smallest_params;
      fmt::print("{}\n", j.dump(2));
    } else {
      fmt::print("CoE category-to-expert mapping (MILP, CBC): {} ({})\n", cfg.name, o.experts_file);
      print_result(cfg, r);
    }
    return kExitOk;
  }

  std::vector<double> budgets_params;
  for (double b : o.budgets_b) budgets_params.push_back(b * coe::kParamsPerBillion);
  const std::vector<coe::MappingResult> rows =
      o.sweep ? coe::pareto_sweep(problem) : coe::sweep_budgets(problem, budgets_params);
  if (o.json) {
    nlohmann::json j{{"experts_file", o.experts_file},
                     {"smallest_feasible_budget_params", smallest_params},
                     {"sweep", o.sweep ? "frontier" : "given budgets"},
                     {"rows", nlohmann::json::array()}};
    for (const auto& r : rows) j["rows"].push_back(result_json(cfg, r));
    fmt::print("{}\n", j.dump(2));
    return kExitOk;
  }
  fmt::print("CoE category-to-expert mapping (MILP, CBC): {} ({})\n", cfg.name, o.experts_file);
  fmt::print("{}; B = 1e9 params; score = category-weighted mean; smallest feasible budget {:.2f} B\n\n",
             o.sweep ? "every budget at which the optimum changes" : "at the given budgets",
             smallest_params / coe::kParamsPerBillion);
  print_table(cfg, rows);
  std::vector<double> left_out;
  for (double b : o.budgets_b)
    if (b * coe::kParamsPerBillion < smallest_params) left_out.push_back(b);
  if (!left_out.empty())
    fmt::print("\nleft out, below the smallest feasible budget: {} B\n", fmt::join(left_out, ", "));
  return kExitOk;
}

}  // namespace

RunFunction add_map_command(CLI::App& app) {
  auto o = std::make_shared<MapOptions>();
  CLI::App* cmd = app.add_subcommand(
      "map",
      "category-to-expert mapping (CoE paper, MILP solved with CBC): choose the experts that fit a total parameter\n"
      "budget and the expert serving each category, maximising the category-weighted expected score");
  cmd->add_option("--experts", o->experts_file, "experts file (workloads/coe/experts*.yaml)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--budget-b", o->budget_b, "budget for the chosen experts' total params, in billions (1e9)")
      ->check(positive_number());
  cmd->add_option("--budgets-b", o->budgets_b, "a table at these budgets, in billions of params (comma-separated)")
      ->delimiter(',')
      ->check(positive_number());
  cmd->add_flag("--sweep-budget", o->sweep,
                "the Pareto table: every budget at which the optimal CoE changes (budget -> experts, expected\n"
                "score, average active params), from the smallest expert up to the best CoE");
  cmd->add_flag("--json", o->json, "print one JSON object on stdout (param counts in params, times in s)");
  return [cmd, o]() -> int {
    if (!cmd->parsed()) return -1;
    return run_map(*o);
  };
}

}  // namespace coesim::cli
