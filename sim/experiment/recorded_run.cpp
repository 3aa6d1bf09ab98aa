#include "sim/experiment/recorded_run.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "sim/config/config_error.h"
#include "sim/io/sha256.h"

namespace coesim::experiment {
namespace {

using config::ConfigError;

// Line and column of a byte offset, for a parse error.
std::pair<int, int> line_column(const std::string& text, std::size_t byte) {
  int line = 1;
  int column = 1;
  for (std::size_t i = 0; i < std::min(byte, text.size()); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}

std::string text_at(const nlohmann::json& j, const std::string& file, const std::string& pointer) {
  const nlohmann::json::json_pointer p(pointer);
  std::string field = pointer.substr(1);
  std::replace(field.begin(), field.end(), '/', '.');
  if (!j.contains(p)) throw ConfigError(file, 0, 0, field, "missing: not a summary.json of coesim run");
  if (!j.at(p).is_string()) throw ConfigError(file, 0, 0, field, "expected text");
  return j.at(p).get<std::string>();
}

}  // namespace

RecordedRun read_recorded_run(const std::filesystem::path& summary_file) {
  const std::string file = summary_file.string();
  std::ifstream in(summary_file, std::ios::binary);
  if (!in) throw ConfigError(file, 0, 0, "", "cannot open file");
  std::stringstream buffer;
  buffer << in.rdbuf();
  RecordedRun r;
  r.summary_file = file;
  r.summary_text = buffer.str();
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(r.summary_text);
  } catch (const nlohmann::json::parse_error& e) {
    const auto [line, column] = line_column(r.summary_text, e.byte == 0 ? 0 : e.byte - 1);
    throw ConfigError(file, line, column, "", fmt::format("not JSON: {}", e.what()));
  } catch (const nlohmann::json::exception& e) {  // e.g. a number too large for a double
    throw ConfigError(file, 0, 0, "", fmt::format("not JSON: {}", e.what()));
  }
  if (!j.is_object()) throw ConfigError(file, 1, 1, "", "expected a JSON object (a summary.json of coesim run)");
  r.experiment_file = text_at(j, file, "/file");
  r.experiment_yaml = text_at(j, file, "/provenance/experiment_yaml");
  r.command_line = text_at(j, file, "/provenance/command_line");
  r.coesim_version = text_at(j, file, "/provenance/coesim_version");
  const nlohmann::json inputs = j["provenance"].value("inputs", nlohmann::json());
  if (!inputs.is_array()) throw ConfigError(file, 0, 0, "provenance.inputs", "expected a list of input files");
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const std::string at = fmt::format("/provenance/inputs/{}", i);
    const std::string input = text_at(j, file, at + "/file");
    const std::string recorded = text_at(j, file, at + "/sha256");
    std::error_code ec;  // a name the OS refuses (too long, no permission) is "not found", not a throw
    if (!std::filesystem::is_regular_file(input, ec))
      throw ConfigError(file, 0, 0, "provenance.inputs",
                        fmt::format("input {} is missing (paths are relative to the directory the run was made in; "
                                    "its command line was: {})",
                                    input, r.command_line));
    const std::string now = io::sha256_file(input).sha256;
    if (now != recorded)
      throw ConfigError(file, 0, 0, "provenance.inputs",
                        fmt::format("input {} changed since the run (sha256 recorded {}, now {}): a rerun would not "
                                    "be the same run",
                                    input, recorded, now));
    r.input_files.push_back(input);
  }
  return r;
}

}  // namespace coesim::experiment
