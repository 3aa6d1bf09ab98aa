#include "sim/cli/config_paths.h"

#include <algorithm>

#include "sim/config/config_error.h"

namespace coesim::cli {

std::filesystem::path shipped_dir(std::string_view name) {
  const std::filesystem::path local(name);
  if (std::filesystem::is_directory(local)) return local;
  return std::filesystem::path(COESIM_SOURCE_DIR) / name;
}

std::vector<std::filesystem::path> yaml_files(const std::filesystem::path& dir) {
  if (!std::filesystem::is_directory(dir)) throw config::ConfigError(dir.string(), 0, 0, "", "not a directory");
  std::vector<std::filesystem::path> out;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    if (entry.is_regular_file() && entry.path().extension() == ".yaml") out.push_back(entry.path());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace coesim::cli
