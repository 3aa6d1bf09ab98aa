#include "sim/experiment/resolved_experiment.h"

#include <map>

namespace coesim::experiment {
namespace {

// The file's map of overrides with the command line's applied on top. The
// loader applies a map in key order and then the command line in its order;
// dropping the entries below each command-line path keeps key order giving
// the same result (a parent path always sorts before its children).
YAML::Node folded_set_map(const YAML::Node& existing, const std::vector<std::string>& assignments) {
  std::map<std::string, std::string> entries;
  if (existing && existing.IsMap())
    for (const auto& kv : existing) entries[kv.first.Scalar()] = kv.second.Scalar();
  for (const std::string& a : assignments) {
    const auto eq = a.find('=');
    const std::string key = a.substr(0, eq);
    std::erase_if(entries, [&](const auto& e) { return e.first == key || e.first.starts_with(key + "."); });
    entries.emplace(key, a.substr(eq + 1));
  }
  YAML::Node map(YAML::NodeType::Map);
  for (const auto& [key, value] : entries) map[key] = value;
  return map;
}

std::string relative_to_dir(const std::filesystem::path& file, const std::filesystem::path& dir) {
  if (file.is_absolute()) return file.lexically_normal().string();  // named absolute: kept so
  const std::filesystem::path base = dir.empty() ? std::filesystem::current_path() : std::filesystem::absolute(dir);
  return std::filesystem::absolute(file).lexically_normal().lexically_relative(base.lexically_normal()).string();
}

// Walks the document and its clone together, writing each file field's
// rebased path into the clone (matched by node identity: a list entry's
// name may hold dots, so a dotted path could not address it).
void rebase_files(const YAML::Node& original, YAML::Node copy, const std::vector<FileField>& files,
                  const std::filesystem::path& dir) {
  if (original.IsScalar()) {
    for (const FileField& f : files)
      if (original.is(f.node)) copy = relative_to_dir(f.file, dir);
  } else if (original.IsMap()) {
    for (const auto& kv : original) rebase_files(kv.second, copy[kv.first.Scalar()], files, dir);
  } else if (original.IsSequence()) {
    for (std::size_t i = 0; i < original.size(); ++i) rebase_files(original[i], copy[i], files, dir);
  }
}

}  // namespace

std::string resolved_experiment_yaml(const config::ConfigDoc& doc, const std::vector<FileField>& files,
                                     const std::vector<std::string>& platform_sets,
                                     const std::vector<std::string>& model_sets) {
  config::ConfigDoc resolved = doc.clone();
  const std::filesystem::path dir = std::filesystem::path(doc.file()).parent_path();
  rebase_files(doc.root(), resolved.root(), files, dir);
  if (!platform_sets.empty())
    resolved.set("platform_set", folded_set_map(doc.root()["platform_set"], platform_sets), "--set platform");
  if (!model_sets.empty())
    resolved.set("model_set", folded_set_map(doc.root()["model_set"], model_sets), "--set model");
  return YAML::Dump(resolved.root());
}

}  // namespace coesim::experiment
