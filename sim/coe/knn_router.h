#pragma once
// The category router of the CoE paper: k nearest neighbours by cosine
// similarity against a labelled bank of embeddings, class probabilities from
// the neighbours' labels, and Robust-CoE's rule: a prompt whose probability
// entropy exceeds the threshold goes to 'general'. Similarities of a batch of
// queries against the bank are one matrix product (Eigen).
#include <string>
#include <vector>

#include "sim/coe/embedder.h"

namespace coesim::coe {

enum class NeighbourWeighting { Uniform, Distance };

struct KnnOptions {
  int k = 5;
  NeighbourWeighting weighting = NeighbourWeighting::Uniform;
  // Entropy (bits) above which a prompt goes to 'general'; infinity = never.
  double entropy_threshold_bits = 1e300;
  std::string general_category = "general";
};

struct RouteDecision {
  int category = -1;                 // index into KnnRouter::categories(), or kGeneral
  int predicted = -1;                // most probable category, before the entropy rule
  std::vector<float> probabilities;  // per category, summing to 1
  double entropy_bits = 0;
  float nearest_similarity = 0;  // cosine similarity of the closest bank prompt
  bool general() const { return category < 0; }
};

inline constexpr int kGeneral = -1;

// Shannon entropy in bits of a probability vector.
double entropy_bits(const std::vector<float>& probabilities);

class KnnRouter {
 public:
  // `bank` rows are L2-normalised embeddings; labels[i] indexes `categories`.
  // Throws std::invalid_argument for an empty bank, k < 1, a label out of
  // range or a size mismatch.
  KnnRouter(EmbeddingMatrix bank, std::vector<int> labels, std::vector<std::string> categories, KnnOptions options);

  // One decision per query row. Ties in similarity go to the lower bank
  // index; equal probabilities to the lower category index.
  std::vector<RouteDecision> route(const EmbeddingMatrix& queries) const;

  const std::vector<std::string>& categories() const { return categories_; }
  // The category name of a decision ('general' for kGeneral).
  const std::string& category_name(const RouteDecision& d) const;
  const KnnOptions& options() const { return options_; }
  void set_entropy_threshold_bits(double bits) { options_.entropy_threshold_bits = bits; }
  int bank_size() const { return static_cast<int>(labels_.size()); }
  int dimension() const { return static_cast<int>(bank_.cols()); }

 private:
  RouteDecision decide(const float* similarities) const;

  EmbeddingMatrix bank_;
  std::vector<int> labels_;
  std::vector<std::string> categories_;
  KnnOptions options_;
};

}  // namespace coesim::coe
