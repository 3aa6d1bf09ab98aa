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
#include "sim/cli/report.h"
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

// The title every form of the output starts with.
Report titled(const coe::ExpertsConfig& cfg, const std::string& experts_file) {
  Report out;
  out.set("experts_file", experts_file).text_only("experts_name", cfg.name);
  out.line("CoE category-to-expert mapping (MILP, CBC): {experts_name} ({experts_file})");
  return out;
}

// One solution: its figures, the chosen experts and the expert serving each category.
void add_result(Report& out, const coe::ExpertsConfig& cfg, const coe::MappingResult& r) {
  out.set("budget_params", r.budget_params)
      .set("total_params", r.total_params)
      .set("expected_score", r.expected_score)
      .set("avg_active_params", r.avg_active_params)
      .set("objective", r.objective)
      .set("solve_time_s", r.solve_time_s)
      .set("solver_status", r.solver_status);
  out.line("budget {budget_params/1e9:.2f} B params -> {#experts} expert(s), {total_params/1e9:.2f} B params in total");
  out.line(
      "expected score {expected_score:.4f}, average active params {avg_active_params/1e9:.2f} B "
      "(category-weighted); CBC {solver_status} in {solve_time_s:.3f} s");
  out.line();
  constexpr auto right = Column::Align::right;
  Table& experts = out.table(
      "experts",
      {{.header = "expert", .cell = "{name}", .width = 26},
       {.header = "params B", .cell = "{params/1e9:.2f}", .width = 10, .align = right},
       {.header = "scores measured on", .cell = "{scores_measured_on}", .gap = "  ", .null_text = "this expert"}});
  for (std::size_t m : r.chosen_experts) {
    const auto& e = cfg.experts[m];
    const nlohmann::json measured_on =
        e.scores_measured_on.empty() ? nlohmann::json(nullptr) : nlohmann::json(e.scores_measured_on);
    experts.add(Report().set("name", e.name).set("params", e.params).set("scores_measured_on", measured_on));
  }
  out.line();
  Table& assignment = out.table("assignment", {{.header = "category", .cell = "{category}", .width = 22},
                                               {.header = "weight", .cell = "{weight:.3f}", .width = 7, .align = right},
                                               {.header = "expert", .cell = "{expert}", .width = 26, .gap = "  "},
                                               {.header = "score", .cell = "{score:.4f}", .width = 8, .align = right}});
  const std::vector<double> w = coe::normalised_weights(cfg.problem());
  for (std::size_t k = 0; k < r.assignment.size(); ++k)
    assignment.add(Report()
                       .set("category", cfg.categories[k].name)
                       .set("expert", cfg.experts[r.assignment[k]].name)
                       .set("score", cfg.scores[k][r.assignment[k]])
                       .set("weight", w[k]));
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
    Report out = titled(cfg, o.experts_file);
    out.set("smallest_feasible_budget_params", smallest_params);
    add_result(out, cfg, r);
    fmt::print("{}", o.json ? json_text(out) : out.text());
    return kExitOk;
  }

  std::vector<double> budgets_params;
  for (double b : o.budgets_b) budgets_params.push_back(b * coe::kParamsPerBillion);
  const std::vector<coe::MappingResult> rows =
      o.sweep ? coe::pareto_sweep(problem) : coe::sweep_budgets(problem, budgets_params);
  Report out = titled(cfg, o.experts_file);
  out.set("smallest_feasible_budget_params", smallest_params).set("sweep", o.sweep ? "frontier" : "given budgets");
  out.line(std::string(o.sweep ? "every budget at which the optimum changes" : "at the given budgets") +
           "; B = 1e9 params; score = category-weighted mean; smallest feasible budget "
           "{smallest_feasible_budget_params/1e9:.2f} B");
  out.line();
  constexpr auto right = Column::Align::right;
  Table& table =
      out.table("rows", {{.header = "budget B", .cell = "{budget_params/1e9:.2f}", .width = 10, .align = right},
                         {.header = "total B", .cell = "{total_params/1e9:.2f}", .width = 10, .align = right},
                         {.header = "score", .cell = "{expected_score:.4f}", .width = 10, .align = right},
                         {.header = "avg active B", .cell = "{avg_active_params/1e9:.2f}", .width = 12, .align = right},
                         {.header = "experts", .cell = "{experts.name| + }", .gap = "  "}});
  for (const auto& r : rows) {
    Report row;
    add_result(row, cfg, r);
    table.add(std::move(row));
  }
  std::vector<double> left_out;
  for (double b : o.budgets_b)
    if (b * coe::kParamsPerBillion < smallest_params) left_out.push_back(b);
  if (!left_out.empty()) {
    out.text_only("left_out_budgets_b", left_out);
    out.line().line("left out, below the smallest feasible budget: {left_out_budgets_b} B");
  }
  fmt::print("{}", o.json ? json_text(out) : out.text());
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
