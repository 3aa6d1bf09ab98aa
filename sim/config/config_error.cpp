#include "sim/config/config_error.h"

#include <fmt/format.h>

namespace coesim::config {
namespace {

std::string compose(const std::string& file, int line, int column, const std::string& field,
                    const std::string& reason) {
  std::string where = fmt::format("{}", file.empty() ? "<input>" : file);
  if (line > 0) where = fmt::format("{}:{}", where, line);
  if (line > 0 && column > 0) where = fmt::format("{}:{}", where, column);
  if (field.empty()) return fmt::format("{}: {}", where, reason);
  return fmt::format("{}: field '{}': {}", where, field, reason);
}

}  // namespace

ConfigError::ConfigError(std::string file, int line, int column, std::string field, std::string reason)
    : std::runtime_error(compose(file, line, column, field, reason)),
      file_(std::move(file)),
      line_(line),
      column_(column),
      field_(std::move(field)),
      reason_(std::move(reason)) {}

}  // namespace coesim::config
