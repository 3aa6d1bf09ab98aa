#pragma once
// Reads a models/*.yaml file into a ModelSpec through the config layer, so a
// bad file fails with a ConfigError naming file, line and field, and `extends:`
// / `--set` overrides work as for every other config file.
#include <filesystem>

#include "sim/config/config_doc.h"
#include "sim/llm/model_spec.h"

namespace coesim::llm {

ModelSpec load_model(const std::filesystem::path& file);
// For callers that apply overrides (ConfigDoc::set_from_text) before loading.
ModelSpec load_model(const config::ConfigDoc& doc);

}  // namespace coesim::llm
