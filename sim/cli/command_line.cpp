#include <string>

#include "sim/cli/command.h"

namespace coesim::cli {
namespace {

std::string& stored() {
  static std::string line;
  return line;
}

}  // namespace

void set_command_line(int argc, char** argv) {
  std::string line;
  for (int i = 0; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i > 0) line += ' ';
    if (arg.find_first_of(" \t'\"") == std::string::npos && !arg.empty()) {
      line += arg;
      continue;
    }
    line += '\'';
    for (const char c : arg) line += c == '\'' ? std::string("'\\''") : std::string(1, c);
    line += '\'';
  }
  stored() = line;
}

const std::string& command_line() { return stored(); }

}  // namespace coesim::cli
