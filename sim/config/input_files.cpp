#include "sim/config/input_files.h"

namespace coesim::config {
namespace {

thread_local InputFileLog* active = nullptr;

}  // namespace

InputFileLog::InputFileLog() : outer_(active) { active = this; }

InputFileLog::~InputFileLog() { active = outer_; }

void InputFileLog::record(const std::filesystem::path& file) {
  if (active != nullptr) active->files_.insert(file.lexically_normal().string());
}

}  // namespace coesim::config
