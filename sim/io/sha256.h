#pragma once
// sha256 of a file's bytes (OpenSSL), for the inputs a result lists.
#include <cstdint>
#include <filesystem>
#include <string>

namespace coesim::io {

struct FileDigest {
  std::string sha256;  // lower-case hex
  std::uintmax_t bytes = 0;
};

// Throws std::runtime_error naming the file when it cannot be read.
FileDigest sha256_file(const std::filesystem::path& file);

}  // namespace coesim::io
