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
    throw config::UsageError(fmt::format("--cross-validate {} exceeds the bank's {} prompts", cv.folds, bank.prompts.size()));
  const auto start = std::chrono::steady_clock::now();
  const coe::CrossValidationResult r =
      coe::cross_validate(bank.prompts, [&c] { return coe::make_embedder(c); }, c.knn, cv);
  const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (o.json) {
    nlohmann::json sweep = nlohmann::json::array();
    for (const auto& p : r.sweep)
      sweep.push_back({{"entropy_threshold_bits", p.entropy_threshold_bits},
                       {"general_fraction", p.general_fraction},
                       {"accuracy_of_rest", json_number(p.accuracy_of_rest)},
                       {"recall", p.recall}});
    nlohmann::json counts;
    for (std::size_t i = 0; i < r.categories.size(); ++i) counts[r.categories[i]] = r.category_counts[i];
    const nlohmann::json out{{"router", c.name},
                             {"bank", bank.source},
                             {"embedder", r.embedder},
                             {"k", c.knn.k},
                             {"weighting", c.knn.weighting == coe::NeighbourWeighting::Uniform ? "uniform" : "distance"},
                             {"prompts", r.prompts},
                             {"folds", r.folds},
                             {"seed", o.seed},
                             {"category_counts", counts},
                             {"categories", r.categories},
                             {"fold_accuracy", r.fold_accuracy},
                             {"accuracy", r.accuracy},
                             {"majority_baseline_accuracy", r.majority_baseline_accuracy},
                             {"confusion", r.confusion},
                             {"threshold_sweep", sweep},
                             {"wall_s", wall_s}};
    fmt::print("{}\n", out.dump(2));
    return kExitOk;
  }
  fmt::print("router {}: {}-fold stratified cross-validation of {} ({} prompts, {} categories, seed {})\n", c.name,
             r.folds, bank.source, r.prompts, r.categories.size(), o.seed);
  fmt::print("embedder: {}; k = {}, {} weighting\n", r.embedder, c.knn.k,
             c.knn.weighting == coe::NeighbourWeighting::Uniform ? "uniform" : "distance");
  fmt::print("accuracy {:.3f} (folds: {:.3f}); majority-class baseline {:.3f}\n", r.accuracy,
             fmt::join(r.fold_accuracy, " "), r.majority_baseline_accuracy);
  fmt::print("\nconfusion (rows: label, columns: predicted)\n{:>18}", "");
  for (std::size_t j = 0; j < r.categories.size(); ++j) fmt::print(" {:>6}", j);
  fmt::print("\n");
  for (std::size_t i = 0; i < r.categories.size(); ++i) {
    fmt::print("{:>2} {:<15}", i, r.categories[i].substr(0, 15));
    for (const int v : r.confusion[i]) fmt::print(" {:>6}", v);
    fmt::print("\n");
  }
  fmt::print("\nentropy threshold sweep (held-out decisions)\n{:>14} {:>10} {:>16} {:>8}\n", "threshold_bits",
             "general", "accuracy_of_rest", "recall");
  for (const auto& p : r.sweep)
    fmt::print("{:>14.2f} {:>10.3f} {:>16} {:>8.3f}\n", p.entropy_threshold_bits, p.general_fraction,
               std::isfinite(p.accuracy_of_rest) ? fmt::format("{:.3f}", p.accuracy_of_rest) : "-", p.recall);
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
  if (o.json) {
    nlohmann::json rows = nlohmann::json::array();
    if (o.per_prompt)
      for (std::size_t i = 0; i < decisions.size(); ++i) {
        const coe::RouteDecision& d = decisions[i];
        nlohmann::json probs;
        for (std::size_t k = 0; k < d.probabilities.size(); ++k) probs[knn.categories()[k]] = d.probabilities[k];
        nlohmann::json row{{"prompt_id", prompts.prompts[i].id},
                           {"category", knn.category_name(d)},
                           {"predicted", knn.categories()[static_cast<std::size_t>(d.predicted)]},
                           {"entropy_bits", d.entropy_bits},
                           {"nearest_similarity", d.nearest_similarity},
                           {"probabilities", probs}};
        if (prompts.labelled()) row["label"] = prompts.prompts[i].category;
        if (choice) row["expert"] = expert_name(i);
        rows.push_back(row);
      }
    nlohmann::json out{{"router", c.name},
                       {"embedder", router.embedder().description()},
                       {"bank_prompts", knn.bank_size()},
                       {"categories", knn.categories()},
                       {"general_category", c.knn.general_category},
                       {"entropy_threshold_bits", c.has_entropy_threshold ? json_number(c.knn.entropy_threshold_bits)
                                                                          : nlohmann::json(nullptr)},
                       {"prompts_file", prompts.source},
                       {"prompts", rows},
                       {"summary",
                        {{"prompts", decisions.size()},
                         {"per_category", per_category},
                         {"general_fraction", general / n},
                         {"label_agreement", prompts.labelled() ? json_number(labelled_correct / n) : nlohmann::json(nullptr)},
                         {"route_wall_s", route_s}}}};
    if (choice) {
      std::map<std::string, int> per_expert;
      for (std::size_t i = 0; i < decisions.size(); ++i) ++per_expert[expert_name(i)];
      nlohmann::json chosen = nlohmann::json::array();
      for (const std::size_t m : choice->routed.mapping.chosen_experts) chosen.push_back(choice->experts.experts[m].name);
      nlohmann::json assignment;
      for (std::size_t k = 0; k < choice->experts.categories.size(); ++k)
        assignment[choice->experts.categories[k].name] = choice->experts.experts[choice->routed.mapping.assignment[k]].name;
      out["mapping"] = {{"experts_file", o.experts_file},
                        {"budget_params", choice->routed.mapping.budget_params},
                        {"category_weights", "routed prompt shares"},
                        {"chosen_experts", chosen},
                        {"assignment", assignment},
                        {"total_params", choice->routed.mapping.total_params},
                        {"expected_score", choice->routed.mapping.expected_score},
                        {"avg_active_params", choice->routed.mapping.avg_active_params},
                        {"prompts_per_expert", per_expert}};
    }
    fmt::print("{}\n", out.dump(2));
    return kExitOk;
  }
  const std::string category_list = knn.categories().size() <= 20
                                        ? fmt::format("categories: {}", fmt::join(knn.categories(), ", "))
                                        : fmt::format("{} categories", knn.categories().size());
  fmt::print("router {}: {} over {} bank prompts, {}\n", c.name, router.embedder().description(), knn.bank_size(),
             category_list);
  if (c.has_entropy_threshold)
    fmt::print("entropy threshold {:.3f} bits -> '{}'\n", c.knn.entropy_threshold_bits, c.knn.general_category);
  if (o.per_prompt) {
    fmt::print("\n{:<24} {:<20} {:>6} {:>12} {:>8}{}{}\n", "prompt_id", "category", "p_max", "entropy_bits",
               "nearest", choice ? "  expert" : "", prompts.labelled() ? "  label" : "");
    for (std::size_t i = 0; i < decisions.size(); ++i) {
      const coe::RouteDecision& d = decisions[i];
      fmt::print("{:<24} {:<20} {:>6.3f} {:>12.3f} {:>8.3f}{}{}\n", prompts.prompts[i].id.substr(0, 24),
                 knn.category_name(d).substr(0, 20), d.probabilities[static_cast<std::size_t>(d.predicted)],
                 d.entropy_bits, d.nearest_similarity, choice ? "  " + expert_name(i) : "",
                 prompts.labelled() ? "  " + prompts.prompts[i].category : "");
    }
  }
  fmt::print("\n{} prompts routed in {:.3f} s; general {:.1f}%\n", decisions.size(), route_s, 100.0 * general / n);
  for (const auto& [name, count] : per_category) fmt::print("  {:<24} {:>6}  {:5.1f}%\n", name, count, 100.0 * count / n);
  if (prompts.labelled())
    fmt::print("label agreement {:.3f} (the set's own labels; meaningful only if they name the router's categories)\n",
               labelled_correct / n);
  if (choice) {
    const coe::MappingResult& m = choice->routed.mapping;
    fmt::print("\nMILP mapping ({}), budget {:.2f} B params, categories weighted by the routed shares:\n",
               o.experts_file, m.budget_params / coe::kParamsPerBillion);
    for (std::size_t k = 0; k < choice->experts.categories.size(); ++k)
      fmt::print("  {:<24} {:5.1f}%  -> {}\n", choice->experts.categories[k].name, 100.0 * choice->routed.weights[k] / n,
                 choice->experts.experts[m.assignment[k]].name);
    fmt::print("experts {:.2f} B params in total; expected score {:.4f}; average active {:.2f} B params\n",
               m.total_params / coe::kParamsPerBillion, m.expected_score, m.avg_active_params / coe::kParamsPerBillion);
  }
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
  cmd->add_option("--budget-b", o->budget_b, "with --experts: parameter budget in billions")
      ->check(positive_number());
  cmd->add_flag("!--no-per-prompt", o->per_prompt, "print only the summary");
  cmd->add_flag("--json", o->json, "print one JSON object on stdout");
  return [cmd, o]() -> int {
    if (!cmd->parsed()) return -1;
    const coe::RouterConfig c = load_config(*o);
    return o->cross_validate > 0 ? run_cross_validation(*o, c) : run_route(*o, c);
  };
}

}  // namespace coesim::cli
