#include "sim/coe/cross_validation.h"
#include "sim/kernel/split_mix64.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>

#include "sim/coe/category_router.h"

namespace coesim::coe {
namespace {

struct HeldOut {
  std::string truth;
  std::string predicted;
  double entropy_bits;
};

}  // namespace

std::vector<int> stratified_folds(const std::vector<Prompt>& prompts, int folds, std::uint64_t seed) {
  std::map<std::string, std::vector<int>> by_label;
  for (std::size_t i = 0; i < prompts.size(); ++i) by_label[prompts[i].category].push_back(static_cast<int>(i));
  std::vector<int> fold(prompts.size(), 0);
  SplitMix64 rng(seed);  // not std::shuffle, whose algorithm is left to the library
  int next_fold = 0;     // carried across labels so small classes do not all start at fold 0
  for (auto& [label, members] : by_label) {
    for (std::size_t i = members.size(); i > 1; --i) std::swap(members[i - 1], members[rng.below(i)]);
    for (const int m : members) {
      fold[static_cast<std::size_t>(m)] = next_fold;
      next_fold = (next_fold + 1) % folds;
    }
  }
  return fold;
}

CrossValidationResult cross_validate(const std::vector<Prompt>& prompts, const EmbedderFactory& make_embedder,
                                     const KnnOptions& knn, const CrossValidationOptions& options) {
  if (options.folds < 2) throw std::invalid_argument("cross-validation needs at least 2 folds");
  if (static_cast<int>(prompts.size()) < options.folds)
    throw std::invalid_argument("cross-validation needs at least as many prompts as folds");
  for (const Prompt& p : prompts)
    if (p.category.empty())
      throw std::invalid_argument("cross-validation needs labelled prompts: '" + p.id + "' has none");

  CrossValidationResult r;
  r.prompts = static_cast<int>(prompts.size());
  r.folds = options.folds;
  std::map<std::string, int> counts;
  for (const Prompt& p : prompts) ++counts[p.category];
  for (const auto& [name, n] : counts) {
    r.categories.push_back(name);
    r.category_counts.push_back(n);
  }
  const std::vector<int> fold = stratified_folds(prompts, options.folds, options.seed);
  KnnOptions unthresholded = knn;
  unthresholded.entropy_threshold_bits = std::numeric_limits<double>::infinity();

  std::vector<HeldOut> held_out;
  int baseline_correct = 0;
  for (int f = 0; f < options.folds; ++f) {
    std::vector<Prompt> train;
    std::vector<Prompt> test;
    for (std::size_t i = 0; i < prompts.size(); ++i) (fold[i] == f ? test : train).push_back(prompts[i]);
    if (test.empty()) continue;
    std::map<std::string, int> train_counts;
    for (const Prompt& p : train) ++train_counts[p.category];
    // Majority label of the training part; ties to the first name.
    const std::string majority =
        std::max_element(train_counts.begin(), train_counts.end(), [](const auto& a, const auto& b) {
          return a.second < b.second;
        })->first;
    CategoryRouter router(make_embedder(), train, unthresholded);
    if (r.embedder.empty()) r.embedder = router.embedder().description();
    const std::vector<RouteDecision> decisions = router.route(test);
    int correct = 0;
    for (std::size_t i = 0; i < test.size(); ++i) {
      const std::string& predicted = router.knn().categories()[static_cast<std::size_t>(decisions[i].predicted)];
      held_out.push_back({test[i].category, predicted, decisions[i].entropy_bits});
      correct += predicted == test[i].category ? 1 : 0;
      baseline_correct += majority == test[i].category ? 1 : 0;
    }
    r.fold_accuracy.push_back(static_cast<double>(correct) / static_cast<double>(test.size()));
  }

  const auto index_of = [&](const std::string& name) {
    return static_cast<std::size_t>(std::lower_bound(r.categories.begin(), r.categories.end(), name) -
                                    r.categories.begin());
  };
  r.confusion.assign(r.categories.size(), std::vector<int>(r.categories.size(), 0));
  int correct = 0;
  for (const HeldOut& h : held_out) {
    ++r.confusion[index_of(h.truth)][index_of(h.predicted)];
    correct += h.truth == h.predicted ? 1 : 0;
  }
  const double n = static_cast<double>(held_out.size());
  r.accuracy = correct / n;
  r.majority_baseline_accuracy = baseline_correct / n;
  for (const double t : options.entropy_thresholds_bits) {
    int general = 0;
    int rest_correct = 0;
    for (const HeldOut& h : held_out) {
      if (h.entropy_bits > t) {
        ++general;
      } else {
        rest_correct += h.truth == h.predicted ? 1 : 0;
      }
    }
    const int rest = static_cast<int>(held_out.size()) - general;
    r.sweep.push_back({t, general / n,
                       rest > 0 ? static_cast<double>(rest_correct) / rest : std::numeric_limits<double>::quiet_NaN(),
                       rest_correct / n});
  }
  return r;
}

}  // namespace coesim::coe
