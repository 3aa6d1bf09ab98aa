#include "sim/coe/knn_router.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace coesim::coe {
namespace {

// Queries per matrix product: bounds the similarity block to
// kBlock x bank floats (5 MB for a 5,000-prompt bank).
constexpr Eigen::Index kBlock = 256;

struct Neighbour {
  float similarity;
  int index;
};

bool closer(const Neighbour& a, const Neighbour& b) {
  return a.similarity > b.similarity || (a.similarity == b.similarity && a.index < b.index);
}

}  // namespace

double entropy_bits(const std::vector<float>& probabilities) {
  double h = 0;
  for (const float p : probabilities)
    if (p > 0) h -= static_cast<double>(p) * std::log2(static_cast<double>(p));
  return h;
}

KnnRouter::KnnRouter(EmbeddingMatrix bank, std::vector<int> labels, std::vector<std::string> categories,
                     KnnOptions options)
    : bank_(std::move(bank)), labels_(std::move(labels)), categories_(std::move(categories)), options_(options) {
  if (bank_.rows() == 0) throw std::invalid_argument("k-NN router: the labelled bank is empty");
  if (static_cast<Eigen::Index>(labels_.size()) != bank_.rows())
    throw std::invalid_argument("k-NN router: one label per bank row is needed");
  if (options_.k < 1) throw std::invalid_argument("k-NN router: k must be >= 1");
  for (const int label : labels_)
    if (label < 0 || label >= static_cast<int>(categories_.size()))
      throw std::invalid_argument("k-NN router: a label is not one of the categories");
}

const std::string& KnnRouter::category_name(const RouteDecision& d) const {
  return d.general() ? options_.general_category : categories_[static_cast<std::size_t>(d.category)];
}

RouteDecision KnnRouter::decide(const float* similarities) const {
  const int n = bank_size();
  const int k = std::min(options_.k, n);
  // The k closest, kept sorted; most bank rows fail the first comparison.
  std::vector<Neighbour> best;
  best.reserve(static_cast<std::size_t>(k) + 1);
  for (int i = 0; i < n; ++i) {
    const Neighbour c{similarities[i], i};
    if (static_cast<int>(best.size()) == k && !closer(c, best.back())) continue;
    best.insert(std::upper_bound(best.begin(), best.end(), c, closer), c);
    if (static_cast<int>(best.size()) > k) best.pop_back();
  }
  RouteDecision d;
  d.probabilities.assign(categories_.size(), 0.0F);
  double total = 0;
  std::vector<double> weight(categories_.size(), 0.0);
  for (const Neighbour& nb : best) {
    // Distance weighting: 1 / cosine distance, floored so a duplicate of a
    // bank prompt gets a large but finite weight.
    const double w = options_.weighting == NeighbourWeighting::Uniform
                         ? 1.0
                         : 1.0 / std::max(1.0 - static_cast<double>(nb.similarity), 1e-6);
    weight[static_cast<std::size_t>(labels_[static_cast<std::size_t>(nb.index)])] += w;
    total += w;
  }
  for (std::size_t c = 0; c < weight.size(); ++c) d.probabilities[c] = static_cast<float>(weight[c] / total);
  d.predicted = static_cast<int>(std::max_element(weight.begin(), weight.end()) - weight.begin());
  d.entropy_bits = entropy_bits(d.probabilities);
  d.category = d.entropy_bits > options_.entropy_threshold_bits ? kGeneral : d.predicted;
  d.nearest_similarity = best.front().similarity;
  return d;
}

std::vector<RouteDecision> KnnRouter::route(const EmbeddingMatrix& queries) const {
  if (queries.cols() != bank_.cols())
    throw std::invalid_argument("k-NN router: query dimension differs from the bank's");
  std::vector<RouteDecision> out;
  out.reserve(static_cast<std::size_t>(queries.rows()));
  EmbeddingMatrix sims;
  for (Eigen::Index start = 0; start < queries.rows(); start += kBlock) {
    const Eigen::Index rows = std::min(kBlock, queries.rows() - start);
    sims.noalias() = queries.middleRows(start, rows) * bank_.transpose();
    for (Eigen::Index r = 0; r < rows; ++r) out.push_back(decide(sims.row(r).data()));
  }
  return out;
}

}  // namespace coesim::coe
