#pragma once
// Turns prompts into unit-length vectors for the k-NN router. A plug-in
// point: the built-in hashed TF-IDF embedder needs no model weights; real
// e5-mistral-7b-instruct embeddings can be precomputed and read from HDF5.
#include <span>
#include <string>

#include <Eigen/Core>

#include "sim/coe/prompt_set.h"

namespace coesim::coe {

// Row-major: one embedding per row, so a row is contiguous.
using EmbeddingMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

class Embedder {
 public:
  virtual ~Embedder() = default;
  virtual int dimension() const = 0;
  // Learns what the embedder takes from the labelled bank (TF-IDF weights);
  // a pre-trained embedder ignores it. Called before embed().
  virtual void fit(std::span<const Prompt> bank) = 0;
  // One L2-normalised row per prompt (a row of zeros for a prompt with no features).
  virtual EmbeddingMatrix embed(std::span<const Prompt> prompts) const = 0;
  virtual std::string description() const = 0;
};

}  // namespace coesim::coe
