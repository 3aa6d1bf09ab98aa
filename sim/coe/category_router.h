#pragma once
// The router a simulation uses: an embedder, a k-NN router over the labelled
// bank, and a cache by prompt id, so a trace that reuses prompts embeds and
// routes each once. Prompt ids must identify their text.
#include <memory>
#include <span>
#include <unordered_map>
#include <vector>

#include "sim/coe/embedder.h"
#include "sim/coe/knn_router.h"
#include "sim/coe/prompt_set.h"
#include "sim/coe/router_config.h"

namespace coesim::coe {

// The embedder a router config names (not yet fitted).
std::unique_ptr<Embedder> make_embedder(const RouterConfig& config);

class CategoryRouter {
 public:
  // Fits the embedder on the bank and embeds it. Categories are the bank's
  // distinct labels, sorted. Throws config::ConfigError for an empty or
  // unlabelled bank (naming `bank_source`).
  CategoryRouter(std::unique_ptr<Embedder> embedder, std::vector<Prompt> bank, KnnOptions options,
                 const std::string& bank_source = "bank");
  // Loads the bank and embedder the config names.
  static CategoryRouter from_config(const RouterConfig& config);

  // One decision per prompt, in order; cached ones are not recomputed.
  std::vector<RouteDecision> route(std::span<const Prompt> prompts);

  const KnnRouter& knn() const { return knn_; }
  const Embedder& embedder() const { return *embedder_; }
  const std::vector<Prompt>& bank() const { return bank_; }
  std::size_t cached() const { return cache_.size(); }
  std::size_t cache_hits() const { return cache_hits_; }

 private:
  static KnnRouter build_knn(Embedder& embedder, const std::vector<Prompt>& bank, const KnnOptions& options,
                             const std::string& bank_source);

  std::unique_ptr<Embedder> embedder_;
  std::vector<Prompt> bank_;
  KnnRouter knn_;
  std::unordered_map<std::string, RouteDecision> cache_;
  std::size_t cache_hits_ = 0;
};

}  // namespace coesim::coe
