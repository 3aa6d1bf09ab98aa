#include <string>

#include "sim/cli/command.h"

namespace coesim::cli {
namespace {

std::string& stored() {
  static std::string line;
  return line;
}

}  // namespace

std::string shell_quoted(const std::string& arg) {
  if (arg.find_first_of(" \t'\"") == std::string::npos && !arg.empty()) return arg;
  std::string quoted = "'";
  for (const char c : arg) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + '\'';
}

void set_command_line(int argc, char** argv) {
  std::string line;
  for (int i = 0; i < argc; ++i) {
    if (i > 0) line += ' ';
    line += shell_quoted(argv[i]);
  }
  stored() = line;
}

const std::string& command_line() { return stored(); }

}  // namespace coesim::cli
