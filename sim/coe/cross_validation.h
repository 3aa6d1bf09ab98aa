#pragma once
// k-fold cross-validation of the category router on a labelled prompt set:
// stratified folds from a seeded shuffle; on each fold the embedder is fitted
// and the bank built from the training part only, so nothing of a test fold
// reaches its router. Reports accuracy against the majority-class baseline,
// the confusion matrix, and Robust-CoE's trade-off over entropy thresholds
// (share sent to 'general' vs accuracy of the rest), computed from the same
// held-out decisions.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sim/coe/embedder.h"
#include "sim/coe/knn_router.h"
#include "sim/coe/prompt_set.h"

namespace coesim::coe {

struct CrossValidationOptions {
  int folds = 5;
  std::uint64_t seed = 20261123;
  std::vector<double> entropy_thresholds_bits;  // sweep points
};

struct ThresholdPoint {
  double entropy_threshold_bits = 0;
  double general_fraction = 0;  // held-out prompts sent to 'general'
  double accuracy_of_rest = 0;  // among the others (NaN when none is left)
  double recall = 0;            // correct and not 'general', over all prompts
};

struct CrossValidationResult {
  int prompts = 0;
  int folds = 0;
  std::vector<std::string> categories;  // labels in the set, sorted
  std::vector<int> category_counts;
  std::vector<double> fold_accuracy;        // held-out accuracy per fold
  double accuracy = 0;                      // over all held-out prompts
  double majority_baseline_accuracy = 0;    // each fold's training majority label, on its test part
  std::vector<std::vector<int>> confusion;  // [true][predicted], categories order
  std::vector<ThresholdPoint> sweep;
  std::string embedder;  // description
};

using EmbedderFactory = std::function<std::unique_ptr<Embedder>()>;

// The fold of each prompt (0..folds-1): every label spread evenly over folds.
std::vector<int> stratified_folds(const std::vector<Prompt>& prompts, int folds, std::uint64_t seed);

// Throws std::invalid_argument for fewer prompts than folds, folds < 2, or
// an unlabelled prompt.
CrossValidationResult cross_validate(const std::vector<Prompt>& prompts, const EmbedderFactory& make_embedder,
                                     const KnnOptions& knn, const CrossValidationOptions& options);

}  // namespace coesim::coe
