#pragma once
// The experiment exactly as run, as YAML that runs on its own: `extends`
// merged, every `--set` folded in (platform.* into platform_set, model.* into
// model_set) and every file path rewritten relative to the experiment file's
// directory, wherever the file or --set that named it was. Fed back to
// `coesim run` from beside the experiment file it reproduces the run.
#include <filesystem>
#include <string>
#include <vector>

#include "sim/config/config_doc.h"

namespace coesim::experiment {

// A field that names a file: its node in the document and the file as resolved.
struct FileField {
  YAML::Node node;
  std::filesystem::path file;
};

// `platform_sets` and `model_sets` are "PATH=VALUE" from the command line,
// applied after the file's own platform_set / model_set.
std::string resolved_experiment_yaml(const config::ConfigDoc& doc, const std::vector<FileField>& files,
                                     const std::vector<std::string>& platform_sets,
                                     const std::vector<std::string>& model_sets);

}  // namespace coesim::experiment
