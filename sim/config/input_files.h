#pragma once
// Which files a run read: every config file (and each file it `extends`) and
// every file a config field names go through here, so a result can list the
// sha256 of all its inputs without each loader keeping its own list. A log
// is active on the thread that created it, for as long as it lives.
#include <filesystem>
#include <set>
#include <string>

namespace coesim::config {

class InputFileLog {
 public:
  InputFileLog();
  ~InputFileLog();
  InputFileLog(const InputFileLog&) = delete;
  InputFileLog& operator=(const InputFileLog&) = delete;

  // Records `file` in the thread's active log (nothing without one).
  static void record(const std::filesystem::path& file);
  // Paths as the loaders named them, lexically normal, sorted.
  const std::set<std::string>& files() const { return files_; }

 private:
  std::set<std::string> files_;
  InputFileLog* outer_;
};

}  // namespace coesim::config
