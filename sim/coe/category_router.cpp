#include "sim/coe/category_router.h"

#include <algorithm>
#include <set>

#include "sim/coe/embedder_kinds.h"
#include "sim/config/config_error.h"

namespace coesim::coe {

std::unique_ptr<Embedder> make_embedder(const RouterConfig& config) {
  return embedder_registry().at(config.embedder_kind).make(config);
}

KnnRouter CategoryRouter::build_knn(Embedder& embedder, const std::vector<Prompt>& bank, const KnnOptions& options,
                                    const std::string& bank_source) {
  if (bank.empty()) throw config::ConfigError(bank_source, 0, 0, "bank", "the labelled bank is empty");
  std::set<std::string> names;
  for (const Prompt& p : bank) {
    if (p.category.empty())
      throw config::ConfigError(bank_source, 0, 0, "bank.category_field",
                                "prompt '" + p.id + "' has no category label");
    names.insert(p.category);
  }
  std::vector<std::string> categories(names.begin(), names.end());
  std::vector<int> labels;
  labels.reserve(bank.size());
  for (const Prompt& p : bank)
    labels.push_back(
        static_cast<int>(std::lower_bound(categories.begin(), categories.end(), p.category) - categories.begin()));
  embedder.fit(bank);
  return KnnRouter(embedder.embed(bank), std::move(labels), std::move(categories), options);
}

CategoryRouter::CategoryRouter(std::unique_ptr<Embedder> embedder, std::vector<Prompt> bank, KnnOptions options,
                               const std::string& bank_source)
    : embedder_(std::move(embedder)),
      bank_(std::move(bank)),
      knn_(build_knn(*embedder_, bank_, options, bank_source)) {}

CategoryRouter CategoryRouter::from_config(const RouterConfig& config) {
  PromptSet bank = load_prompt_set(config.bank_file, config.bank_fields);
  if (!bank.labelled())
    throw config::ConfigError(config.file, 0, 0, "bank.category_field",
                              "the bank " + bank.source + " has no category field");
  return CategoryRouter(make_embedder(config), std::move(bank.prompts), config.knn, bank.source);
}

std::vector<RouteDecision> CategoryRouter::route(std::span<const Prompt> prompts) {
  std::vector<Prompt> missing;
  std::set<std::string> queued;
  for (const Prompt& p : prompts)
    if (!cache_.contains(p.id) && queued.insert(p.id).second) missing.push_back(p);
  if (!missing.empty()) {
    const std::vector<RouteDecision> fresh = knn_.route(embedder_->embed(missing));
    for (std::size_t i = 0; i < missing.size(); ++i) cache_.emplace(missing[i].id, fresh[i]);
  }
  cache_hits_ += prompts.size() - missing.size();
  std::vector<RouteDecision> out;
  out.reserve(prompts.size());
  for (const Prompt& p : prompts) out.push_back(cache_.at(p.id));
  return out;
}

}  // namespace coesim::coe
