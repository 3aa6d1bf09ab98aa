#pragma once
// sha256 of a file's bytes (OpenSSL), for the inputs a result lists, and of
// text (stable ids of sweep points).
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace coesim::io {

struct FileDigest {
  std::string sha256;  // lower-case hex
  std::uintmax_t bytes = 0;
};

// Throws std::runtime_error naming the file when it cannot be read.
FileDigest sha256_file(const std::filesystem::path& file);

// Lower-case hex sha256 of `bytes`.
std::string sha256_text(std::string_view bytes);

}  // namespace coesim::io
