#pragma once
// The one error type for bad input files: it names the file, the line and
// column (1-based; 0 when unknown) and the dotted field path, so a user can go
// straight to the mistake. The CLI maps it to exit code 2.
#include <stdexcept>
#include <string>

namespace coesim::config {

class ConfigError : public std::runtime_error {
 public:
  ConfigError(std::string file, int line, int column, std::string field, std::string reason);

  const std::string& file() const { return file_; }
  int line() const { return line_; }
  int column() const { return column_; }
  const std::string& field() const { return field_; }
  const std::string& reason() const { return reason_; }

 private:
  std::string file_;
  int line_;
  int column_;
  std::string field_;
  std::string reason_;
};

// A request the inputs cannot satisfy (a mode the platform lacks, a TP degree
// larger than its devices): also exit code 2, but not tied to a file line.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace coesim::config
