#include "sim/config/schema.h"

#include <cmath>
#include <fmt/format.h>

namespace coesim::config {
namespace {

std::string_view kind_name(const Field& f) {
  switch (f.kind) {
    case FieldKind::String:
      return "text";
    case FieldKind::Integer:
      return "integer";
    case FieldKind::Number:
      return unit_name(f.unit);
    case FieldKind::Bool:
      return "true|false";
    case FieldKind::Map:
      return "mapping";
    case FieldKind::List:
      return "list of mappings";
    case FieldKind::StringList:
      return "list of text";
    case FieldKind::StringMap:
      return "mapping of text";
  }
  return "?";
}

std::string range_text(const Field& f) {
  const bool has_min = std::isfinite(f.min);
  const bool has_max = std::isfinite(f.max);
  if (!has_min && !has_max) return {};
  std::string out;
  if (has_min) out += fmt::format("{} {}", f.min_exclusive ? ">" : ">=", f.min);
  if (has_max) out += fmt::format("{}<= {}", has_min ? ", " : "", f.max);
  return out;
}

void describe_into(const Schema& schema, int indent, std::string& out) {
  const std::string pad(static_cast<size_t>(indent), ' ');
  for (const Field& f : schema.fields) {
    std::string line = fmt::format("{}{} ({}", pad, f.name, kind_name(f));
    if (f.required) line += ", required";
    if (!f.default_text.empty()) line += fmt::format(", default {}", f.default_text);
    const std::string range = range_text(f);
    if (!range.empty()) line += ", " + range;
    if (!f.choices.empty()) line += fmt::format(", one of {}", fmt::join(f.choices, "|"));
    line += ")";
    out += fmt::format("{}: {}\n", line, f.help);
    if (f.nested != nullptr) describe_into(*f.nested, indent + 2, out);
  }
}

}  // namespace

const Field* Schema::find(std::string_view field_name) const {
  for (const Field& f : fields)
    if (f.name == field_name) return &f;
  return nullptr;
}

std::string Schema::allowed_names() const {
  std::vector<std::string_view> names;
  names.reserve(fields.size());
  for (const Field& f : fields) names.push_back(f.name);
  return fmt::format("{}", fmt::join(names, ", "));
}

std::string describe(const Schema& schema) {
  std::string out = fmt::format("{}: {}\n", schema.name, schema.help);
  describe_into(schema, 2, out);
  return out;
}

}  // namespace coesim::config
