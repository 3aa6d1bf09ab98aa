#pragma once
// A file written under a temporary name (`file` + ".tmp") and renamed over
// `file` only once complete, so a failed or interrupted writer leaves any
// earlier file intact and never a half-written one under the real name.
#include <filesystem>
#include <string_view>

namespace coesim::io {

class PendingFile {
 public:
  explicit PendingFile(std::filesystem::path file);
  PendingFile(const PendingFile&) = delete;
  PendingFile& operator=(const PendingFile&) = delete;
  // Without commit(): removes the temporary file.
  ~PendingFile();

  // Where to write until commit().
  const std::filesystem::path& tmp() const { return tmp_; }
  // Renames the temporary file over `file`; close it first.
  void commit();

 private:
  std::filesystem::path file_;
  std::filesystem::path tmp_;
  bool committed_ = false;
};

// Writes `text` to `file` through a PendingFile. Throws config::UsageError
// (exit 2) when it cannot be written; an earlier `file` is then intact.
void write_text_atomically(const std::filesystem::path& file, std::string_view text);

}  // namespace coesim::io
