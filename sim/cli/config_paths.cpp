#include "sim/cli/config_paths.h"

namespace coesim::cli {

std::filesystem::path shipped_dir(std::string_view name) {
  const std::filesystem::path local(name);
  if (std::filesystem::is_directory(local)) return local;
  return std::filesystem::path(COESIM_SOURCE_DIR) / name;
}

}  // namespace coesim::cli
