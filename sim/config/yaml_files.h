#pragma once
// The *.yaml files of a directory, sorted by name (shipped configs, sweeps).
#include <filesystem>
#include <vector>

namespace coesim::config {

// Throws ConfigError if `dir` is not a directory.
std::vector<std::filesystem::path> yaml_files(const std::filesystem::path& dir);

}  // namespace coesim::config
