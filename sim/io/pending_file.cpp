#include "sim/io/pending_file.h"

#include <fstream>
#include <system_error>

#include "sim/config/config_error.h"

namespace coesim::io {

PendingFile::PendingFile(std::filesystem::path file) : file_(std::move(file)), tmp_(file_.string() + ".tmp") {}

PendingFile::~PendingFile() {
  std::error_code ignored;  // a destructor must not throw; a stray .tmp is the worst outcome
  if (!committed_) std::filesystem::remove(tmp_, ignored);
}

void PendingFile::commit() {
  std::filesystem::rename(tmp_, file_);
  committed_ = true;
}

void write_text_atomically(const std::filesystem::path& file, std::string_view text) {
  PendingFile pending(file);
  std::ofstream out(pending.tmp(), std::ios::binary);
  out << text;
  out.close();
  if (!out) throw config::UsageError("cannot write " + pending.tmp().string());
  pending.commit();
}

}  // namespace coesim::io
