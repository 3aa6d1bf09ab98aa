#include "sim/validation/validation_map.h"

#include <fmt/format.h>

#include "sim/config/config_doc.h"
#include "sim/config/field_builders.h"
#include "sim/config/section.h"

namespace coesim::validation {
namespace {

using namespace config;

const Schema& platform_entry_schema() {
  static const Schema s{
      "hardware entry",
      "a (hardware, framework) pair of the rows and what predicts it",
      {required(field("hardware", FieldKind::String, "the rows' Hardware column, exactly")),
       required(field("framework", FieldKind::String, "the rows' Framework column, exactly")),
       field("platform", FieldKind::String, "platform file (relative to this file); TP = the row's device count"),
       field("profile", FieldKind::String,
             "runtime profile file (relative to this file); absent: the platform's own compute section"),
       field("skip", FieldKind::String, "instead of platform: why these rows are not predicted")}};
  return s;
}

const Schema& model_entry_schema() {
  static const Schema s{"model entry",
                        "a model id of the rows and its models/ file",
                        {required(field("id", FieldKind::String, "the rows' Model column, exactly")),
                         field("model", FieldKind::String, "model file (relative to this file)"),
                         field("skip", FieldKind::String, "instead of model: why these rows are not predicted")}};
  return s;
}

}  // namespace

const Schema& validation_map_schema() {
  static const Schema s{
      "validation_map",
      "what stands for each row of a measured-runs file (hw-configs/measurements/*-map.yaml)",
      {required(field("name", FieldKind::String, "map name")), field("description", FieldKind::String, "one line"),
       required(nested("hardware", FieldKind::List, platform_entry_schema(), "hardware and framework pairs")),
       required(nested("models", FieldKind::List, model_entry_schema(), "model ids"))}};
  return s;
}

namespace {

// Exactly one of `target` and `skip`.
void require_one(const Section& s, const char* target) {
  if (s.has(target) == s.has("skip"))
    s.fail(target, fmt::format("give either '{}' or 'skip' (with the reason)", target));
}

}  // namespace

const PlatformMapping* ValidationMap::platform_for(const std::string& hardware, const std::string& framework) const {
  for (const PlatformMapping& p : platforms)
    if (p.hardware == hardware && p.framework == framework) return &p;
  return nullptr;
}

const ModelMapping* ValidationMap::model_for(const std::string& id) const {
  for (const ModelMapping& m : models)
    if (m.id == id) return &m;
  return nullptr;
}

ValidationMap load_validation_map(const std::filesystem::path& file) {
  return load_validation_map(ConfigDoc::load(file));
}

ValidationMap load_validation_map(const config::ConfigDoc& doc) {
  const Section root(doc, validation_map_schema());
  ValidationMap map;
  map.file = doc.file();
  for (const Section& e : root.items("hardware")) {
    require_one(e, "platform");
    PlatformMapping p{e.text("hardware"), e.text("framework"), "", "", ""};
    if (map.platform_for(p.hardware, p.framework))
      e.fail("framework", fmt::format("a second entry for '{}' with '{}'", p.hardware, p.framework));
    if (e.has("skip")) {
      p.skip = e.text("skip");
      if (e.has("profile")) e.fail("profile", "a skipped entry has no profile");
    } else {
      p.platform_file = e.existing_file("platform").string();
      if (e.has("profile")) p.profile_file = e.existing_file("profile").string();
    }
    map.platforms.push_back(std::move(p));
  }
  for (const Section& e : root.items("models")) {
    require_one(e, "model");
    ModelMapping m{e.text("id"), "", ""};
    if (map.model_for(m.id)) e.fail("id", fmt::format("a second entry for '{}'", m.id));
    if (e.has("skip"))
      m.skip = e.text("skip");
    else
      m.model_file = e.existing_file("model").string();
    map.models.push_back(std::move(m));
  }
  return map;
}

}  // namespace coesim::validation
