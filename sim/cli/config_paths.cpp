#include "sim/cli/config_paths.h"

#include <system_error>

namespace coesim::cli {

namespace {

// <exe dir>/<COESIM_INSTALL_DATA_FROM_BIN>/<name> when the running binary sits
// in an install prefix that holds it (`cmake --install`); empty otherwise. A
// build-tree binary has no such folder beside it, so it falls through.
std::filesystem::path installed_dir(std::string_view name) {
#ifdef COESIM_INSTALL_DATA_FROM_BIN
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec || exe.empty()) return {};
  const auto dir = (exe.parent_path() / COESIM_INSTALL_DATA_FROM_BIN / name).lexically_normal();
  if (std::filesystem::is_directory(dir, ec)) return dir;
#else
  (void)name;
#endif
  return {};
}

}  // namespace

std::filesystem::path shipped_dir(std::string_view name) {
  const std::filesystem::path local(name);
  std::error_code ec;  // a name the OS refuses (too long, no permission) is "not found", not a throw
  if (std::filesystem::is_directory(local, ec)) return local;
  if (auto installed = installed_dir(name); !installed.empty()) return installed;
  return std::filesystem::path(COESIM_SOURCE_DIR) / name;
}

std::string validation_map_or_default(const std::string& map_file) {
  if (!map_file.empty()) return map_file;
  return (shipped_dir("hw-configs") / "measurements" / "validation-map.yaml").string();
}

}  // namespace coesim::cli
