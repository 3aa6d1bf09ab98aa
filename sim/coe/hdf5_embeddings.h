#pragma once
// Precomputed embeddings read from HDF5, so routing can use a real neural
// embedder (e5-mistral-7b-instruct, as in the CoE paper) run elsewhere.
// Each file holds a float32 dataset `embeddings` [n, d] and a string dataset
// `prompt_ids` [n]; a prompt is looked up by its id in any of the files.
#include <filesystem>
#include <string>
#include <unordered_map>
#include <vector>

#include "sim/coe/embedder.h"

namespace coesim::coe {

class Hdf5Embeddings final : public Embedder {
 public:
  // Rows are L2-normalised on load. Throws config::ConfigError naming the
  // file and dataset for a missing file or dataset, a wrong type or shape, a
  // dimension other than `expected_dimension` (when > 0) or another file's,
  // a duplicate id, or a zero or non-finite row.
  Hdf5Embeddings(const std::vector<std::filesystem::path>& files, int expected_dimension);

  int dimension() const override { return dimension_; }
  void fit(std::span<const Prompt>) override {}
  // Throws config::ConfigError for a prompt id found in no file.
  EmbeddingMatrix embed(std::span<const Prompt> prompts) const override;
  std::string description() const override;

 private:
  std::vector<std::string> files_;
  int dimension_ = 0;
  EmbeddingMatrix rows_;
  std::unordered_map<std::string, Eigen::Index> row_of_;
};

// Writes one such file, atomically (for tests, and for converting other formats).
void write_hdf5_embeddings(const std::filesystem::path& file, const std::vector<std::string>& prompt_ids,
                           const EmbeddingMatrix& embeddings);

}  // namespace coesim::coe
