#include "sim/coe/experts_config.h"

#include <cmath>
#include <optional>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "sim/coe/experts_schema.h"
#include "sim/config/config_error.h"
#include "sim/config/section.h"
#include "sim/llm/load_model.h"
#include "sim/llm/model_size.h"

namespace coesim::coe {
namespace {

// For checks the schema cannot express, at a node inside a free-keyed map.
[[noreturn]] void fail_at(const config::ConfigDoc& doc, const YAML::Node& node, const std::string& path,
                          const std::string& reason) {
  const YAML::Mark mark = node.Mark();
  throw config::ConfigError(doc.file_for(path), mark.line >= 0 ? mark.line + 1 : 0,
                            mark.column >= 0 ? mark.column + 1 : 0, path, reason);
}

// The key node of `name` in a mapping, whose line is where a reader looks.
YAML::Node key_node(const YAML::Node& map, const std::string& name) {
  for (const auto& kv : map)
    if (kv.first.Scalar() == name) return kv.first;
  return map;
}

std::optional<std::size_t> index_of(const std::vector<std::string>& names, const std::string& name) {
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return i;
  return std::nullopt;
}

std::vector<std::string> unique_names(const std::vector<config::Section>& items, const config::Section& root,
                                      const char* list) {
  if (items.empty()) root.fail(list, fmt::format("'{}' is empty", list));
  std::vector<std::string> names;
  for (const auto& item : items) {
    const std::string name = item.text("name");
    if (index_of(names, name)) item.fail("name", fmt::format("duplicate name '{}' in {}", name, list));
    names.push_back(name);
  }
  return names;
}

ExpertEntry read_expert(const config::Section& s) {
  ExpertEntry e;
  e.name = s.text("name");
  if (s.has("description")) e.description = s.text("description");
  if (s.has("scores_measured_on")) e.scores_measured_on = s.text("scores_measured_on");
  if (!s.has("model") && !s.has("params")) s.fail("name", fmt::format("expert '{}' needs `model` or `params`", e.name));
  if (s.has("model")) {
    e.model_file = s.existing_file("model");
    e.params = static_cast<double>(llm::parameter_count(llm::load_model(e.model_file)));
  }
  if (s.has("params")) {
    e.params = s.number("params");
    e.params_overridden = true;
  }
  return e;
}

constexpr double kMaxAbsScore = 1e6;

double read_score(const config::ConfigDoc& doc, const YAML::Node& value, const std::string& path) {
  double v = 0;
  try {
    v = value.as<double>();
  } catch (const YAML::Exception&) {
    fail_at(doc, value, path, fmt::format("score '{}' is not a number", value.Scalar()));
  }
  if (!std::isfinite(v)) fail_at(doc, value, path, fmt::format("score '{}' is not a finite number", value.Scalar()));
  // CLP (double precision) asserts on objective coefficients far from 1:
  // |score| = 1e9 beside scores near 5 already aborts a solve.
  if (std::abs(v) > kMaxAbsScore)
    fail_at(doc, value, path,
            fmt::format("score {} is outside +-{:g}: the MILP solver cannot rank scores of that magnitude reliably; "
                        "rescale the scores",
                        value.Scalar(), kMaxAbsScore));
  return v;
}

// Fills cfg.scores from the `scores` rows, checking names and completeness.
void read_scores(const config::Section& root, const std::vector<std::string>& categories,
                 const std::vector<std::string>& experts, ExpertsConfig& cfg) {
  const config::ConfigDoc& doc = root.doc();
  const std::vector<config::Section> rows = root.items("scores");
  if (rows.empty()) root.fail("scores", "'scores' is empty");
  const YAML::Node raw_rows = doc.root()["scores"];
  std::vector<bool> seen(categories.size(), false);
  cfg.scores.assign(categories.size(), std::vector<double>(experts.size(), 0.0));
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const config::Section& row = rows[i];
    const std::string category = row.text("category");
    const auto k = index_of(categories, category);
    if (!k)
      row.fail("category",
               fmt::format("unknown category '{}' (categories: {})", category, fmt::join(categories, ", ")));
    if (seen[*k]) row.fail("category", fmt::format("second score row for category '{}'", category));
    seen[*k] = true;
    const YAML::Node by_expert = raw_rows[i]["by_expert"];
    const std::string map_path = row.path() + ".by_expert";
    std::vector<bool> scored(experts.size(), false);
    for (const auto& kv : by_expert) {
      const std::string expert = kv.first.Scalar();
      const auto m = index_of(experts, expert);
      if (!m)
        fail_at(doc, kv.first, map_path + "." + expert,
                fmt::format("unknown expert '{}' (experts: {})", expert, fmt::join(experts, ", ")));
      cfg.scores[*k][*m] = read_score(doc, kv.second, map_path + "." + expert);
      scored[*m] = true;
    }
    for (std::size_t m = 0; m < experts.size(); ++m)
      if (!scored[m])
        fail_at(doc, key_node(raw_rows[i], "by_expert"), map_path,
                fmt::format("missing score for expert '{}' on category '{}'", experts[m], category));
  }
  for (std::size_t k = 0; k < categories.size(); ++k)
    if (!seen[k]) root.fail("scores", fmt::format("no score row for category '{}'", categories[k]));
}

void read_category_map(const config::Section& root, const std::vector<std::string>& categories, ExpertsConfig& cfg) {
  if (!root.has("category_map")) return;
  for (const auto& kv : root.doc().root()["category_map"]) {
    const std::string from = kv.first.Scalar();
    const std::string to = kv.second.Scalar();
    if (!index_of(categories, to))
      fail_at(root.doc(), kv.second, "category_map." + from,
              fmt::format("maps to unknown category '{}' (categories: {})", to, fmt::join(categories, ", ")));
    cfg.category_map[from] = to;
  }
}

}  // namespace

MappingProblem ExpertsConfig::problem() const {
  MappingProblem p;
  for (const auto& c : categories) {
    p.categories.push_back(c.name);
    p.category_weights.push_back(c.weight);
  }
  for (const auto& e : experts) p.experts.push_back({e.name, e.params});
  p.scores = scores;
  return p;
}

std::size_t ExpertsConfig::scoring_category(const std::string& router_category) const {
  std::string name = router_category;
  if (const auto it = category_map.find(router_category); it != category_map.end()) name = it->second;
  for (std::size_t k = 0; k < categories.size(); ++k)
    if (categories[k].name == name) return k;
  throw config::UsageError(
      fmt::format("{}: router category '{}' is neither a category nor in category_map", file, router_category));
}

ExpertsConfig load_experts(const std::filesystem::path& file) { return load_experts(config::ConfigDoc::load(file)); }

ExpertsConfig load_experts(const config::ConfigDoc& doc) {
  const config::Section root(doc, experts_schema());
  ExpertsConfig cfg;
  cfg.file = doc.file();
  cfg.name = root.text("name");
  if (root.has("description")) cfg.description = root.text("description");
  cfg.sources = root.string_map("sources");

  const std::vector<config::Section> categories = root.items("categories");
  const std::vector<std::string> category_names = unique_names(categories, root, "categories");
  double weight_sum = 0;
  for (const auto& c : categories) {
    ExpertCategory category{c.text("name"), c.has("description") ? c.text("description") : "", c.number("weight")};
    weight_sum += category.weight;
    cfg.categories.push_back(std::move(category));
  }
  if (weight_sum <= 0) root.fail("categories", "category weights sum to zero");

  const std::vector<config::Section> experts = root.items("experts");
  const std::vector<std::string> expert_names = unique_names(experts, root, "experts");
  for (const auto& e : experts) cfg.experts.push_back(read_expert(e));

  read_scores(root, category_names, expert_names, cfg);
  read_category_map(root, category_names, cfg);
  return cfg;
}

}  // namespace coesim::coe
