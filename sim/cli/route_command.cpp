// `coesim route`: classify prompts with a k-NN category router (category,
// probabilities, entropy, and 'general' above the entropy threshold); with
// --experts and --budget-b also map each category to an expert by the MILP
// (weighted by the routed category mix) and report each prompt's expert. With
// --cross-validate K it evaluates the router's own labelled bank by k-fold
// cross-validation and sweeps the entropy threshold.
#include <chrono>
#include <cmath>
#include <map>
#include <memory>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "sim/cli/command.h"
#include "sim/cli/number_checks.h"
#include "sim/cli/report.h"
#include "sim/coe/category_router.h"
#include "sim/coe/cross_validation.h"
#include "sim/coe/expert_mapping.h"
#include "sim/coe/experts_config.h"
#include "sim/coe/routed_mapping.h"
#include "sim/coe/router_config.h"
#include "sim/config/config_error.h"

namespace coesim::cli {
namespace {

struct RouteOptions {
  std::string router_file;
  std::vector<std::string> router_overrides;
  std::string prompts_file;
  coe::PromptFields fields;
  std::optional<double> entropy_threshold_bits;
  int cross_validate = 0;
  std::uint64_t seed = 20261123;
  std::vector<double> thresholds = {0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0};
  bool per_prompt = true;
  bool json = false;
  std::string experts_file;
  double budget_b = 0;
};

// Category -> expert for the routed prompts: the experts file's MILP over
// the routed category mix.
struct ExpertChoice {
  coe::ExpertsConfig experts;
  coe::RoutedMapping routed;
};

ExpertChoice choose_experts(const RouteOptions& o, const coe::KnnRouter& knn,
                            const std::vector<coe::RouteDecision>& decisions) {
  ExpertChoice c{coe::load_experts(o.experts_file), {}};
  std::vector<std::string> categories;
  categories.reserve(decisions.size());
  for (const coe::RouteDecision& d : decisions) categories.push_back(knn.category_name(d));
  c.routed = coe::map_routed_prompts(c.experts, categories, o.budget_b * coe::kParamsPerBillion);
  return c;
}

nlohmann::json json_number(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

coe::RouterConfig load_config(const RouteOptions& o) {
  config::ConfigDoc doc = config::ConfigDoc::load(o.router_file);
  for (const std::string& s : o.router_overrides) doc.set_from_text(s);
  coe::RouterConfig c = coe::load_router_config(doc);
  if (o.entropy_threshold_bits) {
    c.knn.entropy_threshold_bits = *o.entropy_threshold_bits;
    c.has_entropy_threshold = true;
  }
  return c;
}

int run_cross_validation(const RouteOptions& o, const coe::RouterConfig& c) {
  const coe::PromptSet bank = coe::load_prompt_set(c.bank_file, c.bank_fields);
  if (!bank.labelled())
    throw config::ConfigError(c.file, 0, 0, "bank.category_field", "the bank " + bank.source + " has no labels");
  coe::CrossValidationOptions cv;
  cv.folds = o.cross_validate;
  cv.seed = o.seed;
  cv.entropy_thresholds_bits = o.thresholds;
  if (cv.folds > static_cast<int>(bank.prompts.size()))
    throw config::UsageError(
        fmt::format("--cross-validate {} exceeds the bank's {} prompts", cv.folds, bank.prompts.size()));
  const auto start = std::chrono::steady_clock::now();
  const coe::CrossValidationResult r = coe::cross_validate(
      bank.prompts, [&c] { return coe::make_embedder(c); }, c.knn, cv);
  const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  Report out;
  nlohmann::json counts;
  for (std::size_t i = 0; i < r.categories.size(); ++i) counts[r.categories[i]] = r.category_counts[i];
  out.set("router", c.name)
      .set("bank", bank.source)
      .set("embedder", r.embedder)
      .set("k", c.knn.k)
      .set("weighting", c.knn.weighting == coe::NeighbourWeighting::Uniform ? "uniform" : "distance")
      .set("prompts", r.prompts)
      .set("folds", r.folds)
      .set("seed", o.seed)
      .set("category_counts", counts)
      .set("categories", r.categories)
      .set("fold_accuracy", r.fold_accuracy)
      .set("accuracy", r.accuracy)
      .set("majority_baseline_accuracy", r.majority_baseline_accuracy)
      .set("confusion", r.confusion)
      .set("wall_s", wall_s);
  out.line(
      "router {router}: {folds}-fold stratified cross-validation of {bank} ({prompts} prompts, {#categories} "
      "categories, seed {seed})");
  out.line("embedder: {embedder}; k = {k}, {weighting} weighting");
  out.line(
      "accuracy {accuracy:.3f} (folds: {fold_accuracy:.3f| }); "
      "majority-class baseline {majority_baseline_accuracy:.3f}");
  out.line().line("confusion (rows: label, columns: predicted)");
  constexpr auto right = Column::Align::right;
  std::vector<Column> columns{{.cell = "{label_index}", .width = 2, .align = right},
                              {.cell = "{label}", .width = 15, .truncate = true}};
  for (std::size_t j = 0; j < r.categories.size(); ++j)
    columns.push_back(
        {.header = std::to_string(j), .cell = fmt::format("{{predicted.{}}}", j), .width = 6, .align = right});
  Table& confusion = out.table("", std::move(columns));  // text only: the JSON has it as `confusion`
  for (std::size_t i = 0; i < r.categories.size(); ++i)
    confusion.add(Report().set("label_index", i).set("label", r.categories[i]).set("predicted", r.confusion[i]));
  out.line().line("entropy threshold sweep (held-out decisions)");
  Table& sweep =
      out.table("threshold_sweep",
                {{.header = "threshold_bits", .cell = "{entropy_threshold_bits:.2f}", .width = 14, .align = right},
                 {.header = "general", .cell = "{general_fraction:.3f}", .width = 10, .align = right},
                 {.header = "accuracy_of_rest", .cell = "{accuracy_of_rest:.3f}", .width = 16, .align = right},
                 {.header = "recall", .cell = "{recall:.3f}", .width = 8, .align = right}});
  for (const auto& p : r.sweep)
    sweep.add(Report()
                  .set("entropy_threshold_bits", p.entropy_threshold_bits)
                  .set("general_fraction", p.general_fraction)
                  .set("accuracy_of_rest", json_number(p.accuracy_of_rest))
                  .set("recall", p.recall));
  fmt::print("{}", o.json ? json_text(out) : out.text());
  return kExitOk;
}

int run_route(const RouteOptions& o, const coe::RouterConfig& c) {
  if (o.prompts_file.empty()) throw config::UsageError("route: give --prompts FILE (or --cross-validate K)");
  coe::CategoryRouter router = coe::CategoryRouter::from_config(c);
  const coe::PromptSet prompts = coe::load_prompt_set(o.prompts_file, o.fields);
  const auto start = std::chrono::steady_clock::now();
  const std::vector<coe::RouteDecision> decisions = router.route(prompts.prompts);
  const double route_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const coe::KnnRouter& knn = router.knn();

  std::map<std::string, int> per_category;
  int labelled_correct = 0;
  int general = 0;
  for (std::size_t i = 0; i < decisions.size(); ++i) {
    ++per_category[knn.category_name(decisions[i])];
    general += decisions[i].general() ? 1 : 0;
    if (prompts.labelled() && knn.category_name(decisions[i]) == prompts.prompts[i].category) ++labelled_correct;
  }
  const double n = static_cast<double>(decisions.size());
  if (o.experts_file.empty() != (o.budget_b <= 0))
    throw config::UsageError("route: --experts and --budget-b go together");
  std::optional<ExpertChoice> choice;
  if (!o.experts_file.empty()) choice = choose_experts(o, knn, decisions);
  const auto expert_name = [&](std::size_t i) {
    return choice->experts.experts[choice->routed.expert_of_prompt(i)].name;
  };
  Report out;
  out.set("router", c.name)
      .set("embedder", router.embedder().description())
      .set("bank_prompts", knn.bank_size())
      .set("categories", knn.categories())
      .set("general_category", c.knn.general_category)
      .set("entropy_threshold_bits",
           c.has_entropy_threshold ? json_number(c.knn.entropy_threshold_bits) : nlohmann::json(nullptr))
      .set("prompts_file", prompts.source);
  out.line(std::string("router {router}: {embedder} over {bank_prompts} bank prompts, ") +
           (knn.categories().size() <= 20 ? "categories: {categories}" : "{#categories} categories"));
  if (c.has_entropy_threshold) out.line("entropy threshold {entropy_threshold_bits:.3f} bits -> '{general_category}'");
  if (o.per_prompt) {
    constexpr auto right = Column::Align::right;
    std::vector<Column> columns{{.header = "prompt_id", .cell = "{prompt_id}", .width = 24, .truncate = true},
                                {.header = "category", .cell = "{category}", .width = 20, .truncate = true},
                                {.header = "p_max", .cell = "{p_max:.3f}", .width = 6, .align = right},
                                {.header = "entropy_bits", .cell = "{entropy_bits:.3f}", .width = 12, .align = right},
                                {.header = "nearest", .cell = "{nearest_similarity:.3f}", .width = 8, .align = right}};
    if (choice) columns.push_back({.header = "expert", .cell = "{expert}", .gap = "  "});
    if (prompts.labelled()) columns.push_back({.header = "label", .cell = "{label}", .gap = "  "});
    out.line();
    Table& table = out.table("prompts", std::move(columns));
    for (std::size_t i = 0; i < decisions.size(); ++i) {
      const coe::RouteDecision& d = decisions[i];
      nlohmann::json probs;
      for (std::size_t k = 0; k < d.probabilities.size(); ++k) probs[knn.categories()[k]] = d.probabilities[k];
      Report row;
      row.set("prompt_id", prompts.prompts[i].id)
          .set("category", knn.category_name(d))
          .set("predicted", knn.categories()[static_cast<std::size_t>(d.predicted)])
          .set("entropy_bits", d.entropy_bits)
          .set("nearest_similarity", d.nearest_similarity)
          .set("probabilities", probs)
          .text_only("p_max", d.probabilities[static_cast<std::size_t>(d.predicted)]);
      if (prompts.labelled()) row.set("label", prompts.prompts[i].category);
      if (choice) row.set("expert", expert_name(i));
      table.add(std::move(row));
    }
  } else {
    out.set("prompts", nlohmann::json::array());
  }
  out.set("summary",
          {{"prompts", decisions.size()},
           {"per_category", per_category},
           {"general_fraction", general / n},
           {"label_agreement", prompts.labelled() ? json_number(labelled_correct / n) : nlohmann::json(nullptr)},
           {"route_wall_s", route_s}});
  out.text_only("general_percent", 100.0 * general / n);
  out.line().line("{summary.prompts} prompts routed in {summary.route_wall_s:.3f} s; general {general_percent:.1f}%");
  Table& shares = out.table("", {{.cell = "{category}", .width = 24},  // text only: the JSON has summary.per_category
                                 {.cell = "{prompts}", .width = 6, .align = Column::Align::right},
                                 {.cell = "{share_percent:5.1f}%", .gap = "  "}});
  shares.indent = "  ";
  for (const auto& [name, count] : per_category)
    shares.add(Report().set("category", name).set("prompts", count).set("share_percent", 100.0 * count / n));
  if (prompts.labelled())
    out.line(
        "label agreement {summary.label_agreement:.3f} (the set's own labels; meaningful only if they name the "
        "router's categories)");
  if (choice) {
    const coe::MappingResult& m = choice->routed.mapping;
    std::map<std::string, int> per_expert;
    for (std::size_t i = 0; i < decisions.size(); ++i) ++per_expert[expert_name(i)];
    nlohmann::json chosen = nlohmann::json::array();
    for (const std::size_t e : m.chosen_experts) chosen.push_back(choice->experts.experts[e].name);
    nlohmann::json assignment;
    for (std::size_t k = 0; k < choice->experts.categories.size(); ++k)
      assignment[choice->experts.categories[k].name] = choice->experts.experts[m.assignment[k]].name;
    out.set("mapping", {{"experts_file", o.experts_file},
                        {"budget_params", m.budget_params},
                        {"category_weights", "routed prompt shares"},
                        {"chosen_experts", chosen},
                        {"assignment", assignment},
                        {"total_params", m.total_params},
                        {"expected_score", m.expected_score},
                        {"avg_active_params", m.avg_active_params},
                        {"prompts_per_expert", per_expert}});
    out.line().line(
        "MILP mapping ({mapping.experts_file}), budget {mapping.budget_params/1e9:.2f} B params, categories "
        "weighted by the routed shares:");
    Table& served = out.table("", {{.cell = "{category}", .width = 24},  // text only: the JSON has mapping.assignment
                                   {.cell = "{share_percent:5.1f}%"},
                                   {.cell = "-> {expert}", .gap = "  "}});
    served.indent = "  ";
    for (std::size_t k = 0; k < choice->experts.categories.size(); ++k)
      served.add(Report()
                     .set("category", choice->experts.categories[k].name)
                     .set("share_percent", 100.0 * choice->routed.weights[k] / n)
                     .set("expert", choice->experts.experts[m.assignment[k]].name));
    out.line(
        "experts {mapping.total_params/1e9:.2f} B params in total; expected score {mapping.expected_score:.4f}; "
        "average active {mapping.avg_active_params/1e9:.2f} B params");
  }
  fmt::print("{}", o.json ? json_text(out) : out.text());
  return kExitOk;
}

}  // namespace

RunFunction add_route_command(CLI::App& app) {
  auto o = std::make_shared<RouteOptions>();
  CLI::App* cmd = app.add_subcommand(
      "route",
      "classify prompts with the k-NN category router (category, class probabilities, entropy; 'general' above the "
      "entropy threshold), or --cross-validate K the router's labelled bank");
  cmd->add_option("--router", o->router_file, "router file (workloads/coe/router-*.yaml)")->required();
  cmd->add_option("--set", o->router_overrides, "override a router field, e.g. --set k=7 (repeatable)");
  cmd->add_option("--prompts", o->prompts_file, "prompts to route (JSONL, or a JSON array)");
  cmd->add_option("--id-field", o->fields.id, "prompt id field (default: detected, else line numbers)");
  cmd->add_option("--text-field", o->fields.text, "prompt text field (default: detected)");
  cmd->add_option("--category-field", o->fields.category,
                  "label field to compare with (default: 'category' if present; '-' for none)");
  cmd->add_option("--entropy-threshold-bits", o->entropy_threshold_bits,
                  "override the router's threshold: above it a prompt goes to 'general'")
      ->check(non_negative_number());
  cmd->add_option("--cross-validate", o->cross_validate,
                  "K: stratified K-fold cross-validation of the router's bank, with an entropy-threshold sweep")
      ->check(CLI::Range(2, 1000));
  cmd->add_option("--seed", o->seed, "fold assignment seed")->capture_default_str();
  cmd->add_option("--thresholds-bits", o->thresholds, "with --cross-validate: entropy thresholds to sweep")
      ->delimiter(',');
  cmd->add_option("--experts", o->experts_file,
                  "experts file (workloads/coe/experts*.yaml): map categories to experts by the MILP");
  cmd->add_option("--budget-b", o->budget_b, "with --experts: parameter budget in billions")->check(positive_number());
  cmd->add_flag("!--no-per-prompt", o->per_prompt, "print only the summary");
  cmd->add_flag("--json", o->json, "print one JSON object on stdout");
  return [cmd, o]() -> int {
    if (!cmd->parsed()) return -1;
    const coe::RouterConfig c = load_config(*o);
    return o->cross_validate > 0 ? run_cross_validation(*o, c) : run_route(*o, c);
  };
}

}  // namespace coesim::cli
