#include "sim/io/pending_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>
#include <system_error>
#include <vector>

#include <fmt/format.h>

#include "sim/config/config_error.h"
#include "sim/io/temporary_files.h"

namespace coesim::io {
namespace {

std::filesystem::path directory_of(const std::filesystem::path& file) {
  return file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
}

// fsync of a file or directory by name; false (errno set) on failure.
bool sync_path(const std::filesystem::path& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0 || errno == EINVAL;  // some file systems cannot sync a directory
  ::close(fd);
  return ok;
}

// The umask, read once (reading it means setting it, which is not thread-safe).
mode_t process_umask() {
  static const mode_t mask = [] {
    const mode_t m = ::umask(0);
    ::umask(m);
    return m;
  }();
  return mask;
}

[[noreturn]] void fail(const std::filesystem::path& file, const std::string& what) {
  throw config::UsageError(fmt::format("cannot write {}: {} ({})", file.string(), what, std::strerror(errno)));
}

}  // namespace

PendingFile::PendingFile(std::filesystem::path file, Durability durability)
    : file_(std::move(file)), durability_(durability) {
  const std::filesystem::path dir = directory_of(file_);
  const std::string pattern = (dir / fmt::format(".{}.XXXXXX.tmp", file_.filename().string())).string();
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  const SignalsHeld held;  // an interrupt between creating and registering would leave the file
  const int fd = ::mkstemps(name.data(), 4);
  if (fd < 0) fail(file_, fmt::format("cannot create a temporary file in {}", dir.string()));
  ::fchmod(fd, 0666 & ~process_umask());  // mkstemp makes 0600; an output gets the usual permissions
  ::close(fd);
  tmp_ = std::filesystem::path(name.data());
  register_temporary(tmp_);
}

PendingFile::~PendingFile() {
  if (committed_) return;
  std::error_code ignored;  // a destructor must not throw
  std::filesystem::remove(tmp_, ignored);
  unregister_temporary(tmp_);
}

void PendingFile::commit() {
  const bool sync = durability_ == Durability::Synced;
  if (sync && !sync_path(tmp_, O_RDONLY)) fail(file_, "cannot sync the temporary file");
  if (::rename(tmp_.c_str(), file_.c_str()) != 0) fail(file_, "cannot rename the temporary file over it");
  committed_ = true;
  unregister_temporary(tmp_);
  if (sync) sync_path(directory_of(file_), O_RDONLY | O_DIRECTORY);  // the rename itself; best effort
}

void sync_file_system(const std::filesystem::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return;
  ::syncfs(fd);
  ::close(fd);
}

void write_text(const PendingFile& pending, std::string_view text) {
  std::ofstream out(pending.tmp(), std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) fail(pending.file(), "the temporary file could not be written (disk full?)");
}

void write_text_atomically(const std::filesystem::path& file, std::string_view text) {
  PendingFile pending(file);
  write_text(pending, text);
  pending.commit();
}

}  // namespace coesim::io
