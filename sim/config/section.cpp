#include "sim/config/section.h"

#include <charconv>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "sim/config/config_error.h"
#include "sim/config/input_files.h"

namespace coesim::config {
namespace {

[[noreturn]] void throw_at(const ConfigDoc& doc, const YAML::Node& node, const std::string& path,
                           const std::string& reason) {
  const YAML::Mark mark = node.Mark();
  const int line = mark.line >= 0 ? mark.line + 1 : 0;
  const int column = mark.column >= 0 ? mark.column + 1 : 0;
  throw ConfigError(doc.file_for(path), line, column, path, reason);
}

std::string join_path(const std::string& base, std::string_view name) {
  return base.empty() ? std::string(name) : fmt::format("{}.{}", base, name);
}

std::string item_path(const std::string& list_path, const YAML::Node& item, size_t index) {
  const YAML::Node name = item.IsMap() ? item["name"] : YAML::Node();
  if (name && name.IsScalar()) return join_path(list_path, name.Scalar());
  return join_path(list_path, std::to_string(index));
}

std::optional<std::int64_t> parse_integer(const std::string& s) {
  std::int64_t v = 0;
  const char* begin = s.data();
  const char* end = s.data() + s.size();
  if (begin != end && *begin == '+') ++begin;
  const auto [ptr, ec] = std::from_chars(begin, end, v);
  if (ec != std::errc() || ptr != end || begin == end) {
    double d = 0.0;  // allow 1e6-style integers
    const auto [p2, ec2] = std::from_chars(begin, end, d);
    if (ec2 != std::errc() || p2 != end || d != std::floor(d) || std::fabs(d) > 9.0e18) return std::nullopt;
    return static_cast<std::int64_t>(d);
  }
  return v;
}

}  // namespace

Section::Section(const ConfigDoc& doc, const Schema& schema) : Section(doc, doc.root(), schema, "") {}

Section::Section(const ConfigDoc& doc, const YAML::Node& node, const Schema& schema, std::string path)
    : doc_(&doc), node_(node), schema_(&schema), path_(std::move(path)) {
  validate();
}

std::string Section::field_path(std::string_view field) const { return join_path(path_, field); }

std::filesystem::path Section::existing_file(std::string_view field) const {
  const std::filesystem::path file = doc_->resolve_path(field_path(field), text(field));
  std::error_code ec;  // a name the OS refuses (too long, no permission) is "not found", not a throw
  if (!std::filesystem::is_regular_file(file, ec))
    fail(field, fmt::format("file not found: {} (paths are relative to the file that wrote them)", file.string()));
  InputFileLog::record(file);
  return file;
}

void Section::validate() const {
  if (!node_.IsMap())
    throw_at(*doc_, node_, path_.empty() ? schema_->name : path_,
             fmt::format("expected a mapping of {} fields", schema_->name));
  for (const auto& kv : node_) {
    const std::string key = kv.first.Scalar();
    const Field* f = schema_->find(key);
    if (f == nullptr)
      throw_at(*doc_, kv.first, field_path(key),
               fmt::format("unknown key '{}' in {} (allowed: {})", key, schema_->name, schema_->allowed_names()));
    validate_field(*f, kv.second);
  }
  for (const Field& f : schema_->fields)
    if (f.required && !node_[f.name])
      throw_at(*doc_, node_, field_path(f.name), fmt::format("required field '{}' is missing", f.name));
}

void Section::validate_field(const Field& f, const YAML::Node& value) const {
  const std::string path = field_path(f.name);
  const auto fail_here = [&](const std::string& reason) { throw_at(*doc_, value, path, reason); };
  const auto check_range = [&](double v) {
    if (v < f.min || (f.min_exclusive && v == f.min) || v > f.max) {
      std::string bound = f.min_exclusive ? fmt::format("> {}", f.min) : fmt::format(">= {}", f.min);
      if (std::isfinite(f.max)) bound += fmt::format(" and <= {}", f.max);
      fail_here(fmt::format("value {} out of range: must be {}", v, bound));
    }
  };
  switch (f.kind) {
    case FieldKind::String:
      if (!value.IsScalar()) fail_here("expected text");
      if (!f.choices.empty()) {
        bool ok = false;
        for (const auto& c : f.choices) ok = ok || c == value.Scalar();
        if (!ok) fail_here(fmt::format("'{}' is not one of {}", value.Scalar(), fmt::join(f.choices, ", ")));
      }
      break;
    case FieldKind::Integer: {
      if (!value.IsScalar()) fail_here("expected an integer");
      const auto v = parse_integer(value.Scalar());
      if (!v) fail_here(fmt::format("'{}' is not an integer", value.Scalar()));
      check_range(static_cast<double>(*v));
      break;
    }
    case FieldKind::Number: {
      if (!value.IsScalar()) fail_here(fmt::format("expected a quantity in {}", unit_name(f.unit)));
      double v = 0.0;
      try {
        v = parse_quantity(value.Scalar(), f.unit);
      } catch (const std::invalid_argument& e) {
        fail_here(e.what());
      }
      check_range(v);
      break;
    }
    case FieldKind::Bool:
      if (!value.IsScalar() || (value.Scalar() != "true" && value.Scalar() != "false"))
        fail_here("expected true or false");
      break;
    case FieldKind::Map:
      Section(*doc_, value, *f.nested, path);
      break;
    case FieldKind::List:
      if (!value.IsSequence()) fail_here(fmt::format("expected a list of {} entries", f.nested->name));
      for (size_t i = 0; i < value.size(); ++i) Section(*doc_, value[i], *f.nested, item_path(path, value[i], i));
      break;
    case FieldKind::StringList:
      if (!value.IsSequence()) fail_here("expected a list of text");
      for (const auto& item : value)
        if (!item.IsScalar()) throw_at(*doc_, item, path, "expected text in the list");
      break;
    case FieldKind::StringMap:
      if (!value.IsMap()) fail_here("expected a mapping of text");
      for (const auto& kv : value)
        if (!kv.second.IsScalar()) throw_at(*doc_, kv.second, join_path(path, kv.first.Scalar()), "expected text");
      break;
  }
}

const Field& Section::declared(std::string_view field) const {
  const Field* f = schema_->find(field);
  if (f == nullptr) throw std::logic_error(fmt::format("schema {} does not declare field '{}'", schema_->name, field));
  return *f;
}

bool Section::has(std::string_view field) const {
  declared(field);
  return static_cast<bool>(node_[std::string(field)]);
}

YAML::Node Section::value_or_default(const Field& f) const {
  YAML::Node v = node_[f.name];
  if (v) return v;
  if (!f.default_text.empty()) return YAML::Node(f.default_text);
  throw std::logic_error(
      fmt::format("{}: optional field '{}' has no default; check has() first", schema_->name, f.name));
}

std::string Section::text(std::string_view field) const { return value_or_default(declared(field)).Scalar(); }

double Section::number(std::string_view field) const {
  const Field& f = declared(field);
  return parse_quantity(value_or_default(f).Scalar(), f.unit);
}

std::optional<double> Section::optional_number(std::string_view field) const {
  const Field& f = declared(field);
  if (!node_[f.name] && f.default_text.empty()) return std::nullopt;
  return number(field);
}

void Section::fail_out_of_range(std::string_view field, std::int64_t value, int bits, const std::string& min,
                                const std::string& max) const {
  fail(field, fmt::format("value {} out of range: it is held in a {}-bit integer, so it must be between {} and {}",
                          value, bits, min, max));
}

std::int64_t Section::integer(std::string_view field) const {
  return *parse_integer(value_or_default(declared(field)).Scalar());
}

bool Section::flag(std::string_view field) const { return value_or_default(declared(field)).Scalar() == "true"; }

Section Section::child(std::string_view field) const {
  const Field& f = declared(field);
  YAML::Node v = node_[f.name];
  if (!v) v = YAML::Node(YAML::NodeType::Map);
  return Section(*doc_, v, *f.nested, field_path(field));
}

std::vector<Section> Section::items(std::string_view field) const {
  const Field& f = declared(field);
  std::vector<Section> out;
  const YAML::Node v = node_[f.name];
  if (!v) return out;
  for (size_t i = 0; i < v.size(); ++i) out.emplace_back(*doc_, v[i], *f.nested, item_path(field_path(field), v[i], i));
  return out;
}

std::vector<std::string> Section::strings(std::string_view field) const {
  declared(field);
  std::vector<std::string> out;
  const YAML::Node v = node_[std::string(field)];
  if (v)
    for (const auto& item : v) out.push_back(item.Scalar());
  return out;
}

std::map<std::string, std::string> Section::string_map(std::string_view field) const {
  declared(field);
  std::map<std::string, std::string> out;
  const YAML::Node v = node_[std::string(field)];
  if (v)
    for (const auto& kv : v) out[kv.first.Scalar()] = kv.second.Scalar();
  return out;
}

Location Section::location(std::string_view field) const {
  const YAML::Node v = node_[std::string(field)];
  const YAML::Mark mark = (v ? v : node_).Mark();
  const std::string path = field_path(field);
  return Location{doc_->file_for(path), mark.line >= 0 ? mark.line + 1 : 0, mark.column >= 0 ? mark.column + 1 : 0,
                  path};
}

void Section::fail(std::string_view field, const std::string& reason) const {
  const YAML::Node v = node_[std::string(field)];
  throw_at(*doc_, v ? v : node_, field_path(field), reason);
}

}  // namespace coesim::config
