#include "sim/io/pending_file.h"

#include <system_error>

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

}  // namespace coesim::io
