#pragma once
// A YAML document plus where each part came from. A file may derive from
// another (`extends: base.yaml` and `set: {dotted.path: value}`), and the CLI
// may add `--set path=value`; errors in an overridden value must name the file
// (or "--set") that wrote it, not the base file, so the source of every
// override path is kept here.
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace coesim::config {

class ConfigDoc {
 public:
  // Loads a YAML file, resolving `extends` (relative to the file) recursively.
  // Throws ConfigError for a missing file, a YAML syntax error or a bad override.
  static ConfigDoc load(const std::filesystem::path& file);
  // Parses YAML text held in memory; `source` names it in messages.
  static ConfigDoc parse(const std::string& text, const std::string& source);

  // Replaces (or adds) the value at a dotted path, adding mappings the path
  // passes through that are missing; list entries are addressed by their
  // `name` field or by index and must exist. `source` names the writer in
  // messages.
  void set(const std::string& dotted_path, const YAML::Node& value, const std::string& source);
  // `--set path=value` from a command line: the value is parsed as YAML.
  void set_from_text(const std::string& assignment, const std::string& source = "--set");

  // A deep copy: setting fields of the copy leaves this document as it is.
  ConfigDoc clone() const;

  const YAML::Node& root() const { return root_; }
  // The file that was loaded (the derived one, for an `extends` chain).
  const std::string& file() const { return file_; }
  // The file (or "--set") that wrote the node at this dotted path.
  const std::string& file_for(const std::string& dotted_path) const;
  // A file path written at `dotted_path`: absolute as is, else relative to
  // the directory of the file that wrote it (the working directory for --set).
  std::filesystem::path resolve_path(const std::string& dotted_path, const std::string& path) const;

 private:
  YAML::Node root_;
  std::string file_;
  std::string base_file_;  // where fields no file or --set overrode come from: the chain's last base
  std::vector<std::pair<std::string, std::string>> overrides_;  // path prefix -> source
};

}  // namespace coesim::config
