#pragma once
// Which simulated platform, runtime profile and model file stand for a
// measured row (hw-configs/measurements/*-map.yaml): a row's hardware and
// framework name a platform and a profile, its model id names a models/
// file. An entry may instead say why such rows are skipped, so that a row
// is either predicted or reported with its reason, never dropped silently.
#include <filesystem>
#include <string>
#include <vector>

#include "sim/config/config_doc.h"
#include "sim/config/schema.h"

namespace coesim::validation {

struct PlatformMapping {
  std::string hardware;
  std::string framework;
  std::string platform_file;  // resolved; empty when skipped
  std::string profile_file;   // resolved; empty: the platform's own (roofline) profile
  std::string skip;           // reason these rows are not predicted
};

struct ModelMapping {
  std::string id;          // Hugging Face id as in the Model column
  std::string model_file;  // resolved; empty when skipped
  std::string skip;
};

struct ValidationMap {
  std::string file;
  std::vector<PlatformMapping> platforms;
  std::vector<ModelMapping> models;

  const PlatformMapping* platform_for(const std::string& hardware, const std::string& framework) const;
  const ModelMapping* model_for(const std::string& id) const;
};

const config::Schema& validation_map_schema();
// Throws config::ConfigError (file, line, field) for a bad or duplicate entry.
ValidationMap load_validation_map(const std::filesystem::path& file);
// Files it names resolve against the document's own file.
ValidationMap load_validation_map(const config::ConfigDoc& doc);

}  // namespace coesim::validation
