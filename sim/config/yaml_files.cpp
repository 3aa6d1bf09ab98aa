#include "sim/config/yaml_files.h"

#include <algorithm>

#include "sim/config/config_error.h"

namespace coesim::config {

std::vector<std::filesystem::path> yaml_files(const std::filesystem::path& dir) {
  std::error_code ec;  // a name the OS refuses (too long, no permission) is "not found", not a throw
  if (!std::filesystem::is_directory(dir, ec)) throw ConfigError(dir.string(), 0, 0, "", "not a directory");
  std::vector<std::filesystem::path> out;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    if (entry.is_regular_file() && entry.path().extension() == ".yaml") out.push_back(entry.path());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace coesim::config
