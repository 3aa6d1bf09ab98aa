#pragma once
// A deterministic text embedder that needs no model weights: word n-grams and
// character n-grams are hashed (xxHash3, signed) into `dimension` buckets,
// term counts are damped (1 + ln tf), weighted by inverse document frequency
// fitted on the bank, and the vector is L2-normalised. It captures shared
// vocabulary, not meaning: paraphrases with different words land far apart,
// which a neural embedder (e5-mistral in the CoE paper) would bring together.
#include <cstdint>
#include <vector>

#include "sim/coe/embedder.h"

namespace coesim::coe {

struct HashedTfidfOptions {
  int dimension = 512;
  int word_ngram_min = 1;
  int word_ngram_max = 2;
  int char_ngram_min = 3;  // 0 disables character n-grams
  int char_ngram_max = 5;
  std::uint64_t seed = 0;  // hash seed
};

class HashedTfidfEmbedder final : public Embedder {
 public:
  // Throws std::invalid_argument for a dimension < 1 or an empty n-gram range.
  explicit HashedTfidfEmbedder(HashedTfidfOptions options = {});

  int dimension() const override { return options_.dimension; }
  void fit(std::span<const Prompt> bank) override;
  EmbeddingMatrix embed(std::span<const Prompt> prompts) const override;
  std::string description() const override;

  // Signed hashed term counts of one text, before weighting (for tests).
  std::vector<float> term_counts(const std::string& text) const;
  const std::vector<float>& idf() const { return idf_; }

 private:
  void add_features(const std::string& text, std::vector<float>& counts) const;

  HashedTfidfOptions options_;
  std::vector<float> idf_;  // all 1 until fit()
};

}  // namespace coesim::coe
