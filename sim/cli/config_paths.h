#pragma once
// Where shipped configs live: ./<dir> when run from a checkout; else, for an
// installed binary, <prefix>/share/coesim/<dir> (found from the executable's
// own path); else the source tree the binary was built from, so
// `build/coesim switch --all` works from anywhere.
#include <filesystem>
#include <string>
#include <string_view>

namespace coesim::cli {

std::filesystem::path shipped_dir(std::string_view name);

// `--map` of validate and calibrate: the given file, or the shipped map of
// the LLM-Inference-Bench rows.
std::string validation_map_or_default(const std::string& map_file);

}  // namespace coesim::cli
