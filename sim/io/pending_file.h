#pragma once
// A file written under a temporary name and renamed over `file` only once
// complete, so a failed or interrupted writer leaves any earlier file intact
// and never a half-written one under the real name. The temporary is unique
// (mkstemp, in the target's directory: `.NAME.XXXXXX.tmp`), so two writers
// of one path never share it: each commits a complete file and the last
// rename wins. commit() syncs the data and the directory before and after
// the rename. A temporary is removed by the destructor, and on SIGINT,
// SIGTERM or SIGHUP (temporary_files.h), so no failure leaves one behind.
#include <filesystem>
#include <string_view>

namespace coesim::io {

// Synced: data and directory on disk at commit (the default). RenamedOnly:
// no fsync, for the thousands of small files of a sweep: still whole or
// absent after the process dies, but after a power loss a file may be empty,
// so its reader must check it (a sweep point whose summary does not parse
// runs again); the sweep syncs its file system once at the end.
enum class Durability { Synced, RenamedOnly };

class PendingFile {
 public:
  // Creates the temporary; throws config::UsageError (exit 2) naming `file`
  // when its directory is missing or not writable.
  explicit PendingFile(std::filesystem::path file, Durability durability = Durability::Synced);
  PendingFile(const PendingFile&) = delete;
  PendingFile& operator=(const PendingFile&) = delete;
  // Without commit(): removes the temporary file.
  ~PendingFile();

  // Where to write until commit().
  const std::filesystem::path& tmp() const { return tmp_; }
  const std::filesystem::path& file() const { return file_; }
  // Syncs the temporary and renames it over `file`; close it first. Throws
  // config::UsageError naming `file` when either step fails.
  void commit();

 private:
  std::filesystem::path file_;
  std::filesystem::path tmp_;
  Durability durability_;
  bool committed_ = false;
};

// Flushes the file system holding `dir` to disk (syncfs): once, after many
// RenamedOnly files. Best effort.
void sync_file_system(const std::filesystem::path& dir);

// Writes `text` to the temporary of `pending` (not yet committed). Throws
// config::UsageError (exit 2) when it cannot be written.
void write_text(const PendingFile& pending, std::string_view text);

// Writes `text` to `file` through a PendingFile. Throws config::UsageError
// (exit 2) when it cannot be written; an earlier `file` is then intact.
void write_text_atomically(const std::filesystem::path& file, std::string_view text);

}  // namespace coesim::io
