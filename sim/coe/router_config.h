#pragma once
// A router YAML file (workloads/coe/router-*.yaml): which labelled bank, which
// embedder, k, neighbour weighting and the entropy threshold. Paths are
// relative to the YAML file. `coesim schema router` lists every field.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "sim/coe/hashed_tfidf_embedder.h"
#include "sim/coe/knn_router.h"
#include "sim/coe/prompt_set.h"
#include "sim/config/config_doc.h"
#include "sim/config/schema.h"

namespace coesim::coe {

struct RouterConfig {
  std::string name;
  std::string file;  // the YAML it came from
  std::filesystem::path bank_file;
  PromptFields bank_fields;
  std::string embedder_kind;  // "hashed-tfidf" or "hdf5"
  HashedTfidfOptions tfidf;
  int hdf5_dimension = 0;  // 0: taken from the file
  std::vector<std::filesystem::path> hdf5_files;
  KnnOptions knn;
  bool has_entropy_threshold = false;
};

const config::Schema& router_schema();

// Throws config::ConfigError (file, line, field) for anything the schema or
// the cross-field checks reject.
RouterConfig load_router_config(const config::ConfigDoc& doc);
RouterConfig load_router_config(const std::filesystem::path& file);

}  // namespace coesim::coe
