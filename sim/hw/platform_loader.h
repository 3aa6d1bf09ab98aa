#pragma once
// Builds a Platform from a hw-config YAML file (validated against
// platform_schema(); errors name file, line and field).
#include <filesystem>

#include "sim/config/config_doc.h"
#include "sim/hw/platform.h"
#include "sim/hw/platform_schema.h"

namespace coesim::hw {

Platform load_platform(const std::filesystem::path& file);
// For callers that apply `--set` overrides to the document first.
Platform load_platform(const config::ConfigDoc& doc);

}  // namespace coesim::hw
