#pragma once
// Builds a Platform from a hw-config YAML file (validated against
// platform_schema(); errors name file, line and field).
#include <filesystem>

#include "sim/config/config_doc.h"
#include "sim/config/schema.h"
#include "sim/hw/platform.h"

namespace coesim::hw {

const config::Schema& platform_schema();
Platform load_platform(const std::filesystem::path& file);
// For callers that apply `--set` overrides to the document first.
Platform load_platform(const config::ConfigDoc& doc);

}  // namespace coesim::hw
