#include "sim/config/config_doc.h"

#include <charconv>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "sim/config/config_error.h"
#include "sim/config/input_files.h"

namespace coesim::config {
namespace {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in(path);
  while (std::getline(in, part, '.')) parts.push_back(part);
  return parts;
}

bool is_index(const std::string& s) { return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos; }

// Position of the list entry named `key` (by its `name` field), or by index.
std::optional<size_t> find_entry(const YAML::Node& list, const std::string& key) {
  for (size_t i = 0; i < list.size(); ++i) {
    if (!list[i].IsMap()) continue;  // a scalar or list entry has no name (and [] on a scalar throws)
    const YAML::Node name = list[i]["name"];
    if (name && name.IsScalar() && name.Scalar() == key) return i;
  }
  size_t i = 0;  // an index too large for size_t (from_chars fails) is no entry either
  if (is_index(key) && std::from_chars(key.data(), key.data() + key.size(), i).ec == std::errc() && i < list.size())
    return i;
  return std::nullopt;
}

// yaml-cpp keeps both entries of a key written twice in one mapping and
// reads the first, so the second would be silently ignored: refuse it.
// Walks the tree with an explicit stack (its depth comes from the input).
void reject_duplicate_keys(const YAML::Node& root, const std::string& source) {
  std::vector<YAML::Node> pending{root};
  while (!pending.empty()) {
    const YAML::Node node = pending.back();
    pending.pop_back();
    if (node.IsSequence()) {
      for (const auto& item : node) pending.push_back(item);
    } else if (node.IsMap()) {
      std::map<std::string, int> first_line;
      for (const auto& kv : node) {
        if (kv.first.IsScalar()) {
          const auto [at, fresh] = first_line.emplace(kv.first.Scalar(), kv.first.Mark().line + 1);
          if (!fresh)
            throw ConfigError(
                source, kv.first.Mark().line + 1, kv.first.Mark().column + 1, kv.first.Scalar(),
                fmt::format("key '{}' given twice in one mapping (first on line {})", kv.first.Scalar(), at->second));
        }
        pending.push_back(kv.second);
      }
    }
  }
}

YAML::Node parse_yaml(const std::string& text, const std::string& source) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(source, e.mark.line + 1, e.mark.column + 1, "", e.msg);
  }
  reject_duplicate_keys(root, source);
  return root;
}

// Files in one `extends` chain at most, the file itself included.
constexpr std::size_t kMaxExtendsDepth = 16;

ConfigDoc load_chain(const std::filesystem::path& file, std::set<std::filesystem::path>& seen) {
  std::error_code ec;
  const auto canonical = std::filesystem::weakly_canonical(file, ec);
  if (!seen.insert(canonical).second) throw ConfigError(file.string(), 0, 0, "extends", "circular 'extends' chain");
  if (seen.size() > kMaxExtendsDepth)
    throw ConfigError(file.string(), 0, 0, "extends",
                      fmt::format("'extends' chain longer than {} files", kMaxExtendsDepth));
  std::ifstream in(file);
  if (!in) throw ConfigError(file.string(), 0, 0, "", "cannot open file");
  InputFileLog::record(file);
  std::stringstream buffer;
  buffer << in.rdbuf();
  ConfigDoc doc = ConfigDoc::parse(buffer.str(), file.string());
  const YAML::Node& root = doc.root();
  if (!root.IsMap() || !root["extends"]) return doc;

  const YAML::Node extends = root["extends"];
  if (!extends.IsScalar())
    throw ConfigError(file.string(), extends.Mark().line + 1, extends.Mark().column + 1, "extends",
                      "must be a file name");
  const auto base_path = file.parent_path() / extends.Scalar();
  ConfigDoc base;
  try {
    base = load_chain(base_path, seen);
  } catch (const ConfigError& e) {
    if (e.file() != base_path.string() || e.line() > 0) throw;
    throw ConfigError(file.string(), extends.Mark().line + 1, extends.Mark().column + 1, "extends",
                      fmt::format("cannot load base file '{}': {}", base_path.string(), e.reason()));
  }
  for (const auto& kv : root) {
    const std::string key = kv.first.Scalar();
    if (key == "extends") continue;
    if (key != "set") {
      base.set(key, kv.second, file.string());
      continue;
    }
    if (!kv.second.IsMap())
      throw ConfigError(file.string(), kv.second.Mark().line + 1, kv.second.Mark().column + 1, "set",
                        "must map dotted paths to values");
    for (const auto& assignment : kv.second) base.set(assignment.first.Scalar(), assignment.second, file.string());
  }
  return base;
}

}  // namespace

ConfigDoc ConfigDoc::parse(const std::string& text, const std::string& source) {
  ConfigDoc doc;
  doc.file_ = source;
  doc.base_file_ = source;
  doc.root_ = parse_yaml(text, source);
  if (!doc.root_.IsDefined() || doc.root_.IsNull()) doc.root_ = YAML::Node(YAML::NodeType::Map);
  return doc;
}

ConfigDoc ConfigDoc::load(const std::filesystem::path& file) {
  std::set<std::filesystem::path> seen;
  ConfigDoc doc = load_chain(file, seen);
  doc.file_ = file.string();
  return doc;
}

void ConfigDoc::set(const std::string& dotted_path, const YAML::Node& value, const std::string& source) {
  const auto fail = [&](const std::string& reason) {
    throw ConfigError(source, value.Mark().line + 1, value.Mark().column + 1, dotted_path, reason);
  };
  const std::vector<std::string> parts = split_path(dotted_path);
  if (parts.empty()) fail("empty override path");
  if (!root_.IsMap()) fail("the document is not a mapping");
  YAML::Node node = root_;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    const std::string& key = parts[i];
    if (node.IsMap()) {
      // A section the file leaves out (all defaults) is created, so
      // --set memory.kv_preemption=swap works on any experiment; a misspelt
      // key still fails, as unknown, when the document is validated.
      if (!node[key]) {
        node[key] = YAML::Node(YAML::NodeType::Map);
        overrides_.emplace_back(fmt::format("{}", fmt::join(parts.begin(), parts.begin() + i + 1, ".")), source);
      }
      node.reset(node[key]);
    } else if (node.IsSequence()) {
      const auto at = find_entry(node, key);
      if (!at) fail(fmt::format("no list entry named '{}'", key));
      node.reset(node[*at]);
    } else {
      fail(fmt::format("'{}' is not a mapping or a list", key));
    }
  }
  const std::string& last = parts.back();
  if (node.IsSequence()) {
    const auto at = find_entry(node, last);
    if (!at) fail(fmt::format("no list entry named '{}'", last));
    node[*at] = value;
  } else if (node.IsMap()) {
    node[last] = value;
  } else {
    fail("parent is not a mapping or a list");
  }
  overrides_.emplace_back(dotted_path, source);
}

void ConfigDoc::set_from_text(const std::string& assignment, const std::string& source) {
  const auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0)
    throw ConfigError(source, 0, 0, "", fmt::format("'{}' is not of the form path=value", assignment));
  set(assignment.substr(0, eq), parse_yaml(assignment.substr(eq + 1), source), source);
}

const std::string& ConfigDoc::file_for(const std::string& dotted_path) const {
  for (auto it = overrides_.rbegin(); it != overrides_.rend(); ++it) {
    const std::string& prefix = it->first;
    if (dotted_path == prefix ||
        (dotted_path.size() > prefix.size() && dotted_path.starts_with(prefix) && dotted_path[prefix.size()] == '.'))
      return it->second;
  }
  return base_file_;
}

ConfigDoc ConfigDoc::clone() const {
  ConfigDoc copy = *this;
  // reset, not assignment: assigning to a node handle rewrites the node it
  // shares with this document.
  copy.root_.reset(YAML::Clone(root_));
  return copy;
}

std::filesystem::path ConfigDoc::resolve_path(const std::string& dotted_path, const std::string& path) const {
  const std::filesystem::path p(path);
  return p.is_absolute() ? p : std::filesystem::path(file_for(dotted_path)).parent_path() / p;
}

}  // namespace coesim::config
