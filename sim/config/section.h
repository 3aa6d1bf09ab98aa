#pragma once
// A validated view of one YAML mapping against its Schema. Construction checks
// the whole subtree (unknown keys, kinds, units, ranges, required fields) and
// throws ConfigError naming file, line and field; accessors then read typed
// values and may only ask for declared fields.
#include <concepts>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "sim/config/config_doc.h"
#include "sim/config/schema.h"

namespace coesim::config {

// Where a value came from, so later checks (e.g. "the model does not fit this
// tier") can point at the line that set it.
struct Location {
  std::string file;
  int line = 0;
  int column = 0;
  std::string field;
};

class Section {
 public:
  // Validates the document root against `schema`.
  Section(const ConfigDoc& doc, const Schema& schema);
  Section(const ConfigDoc& doc, const YAML::Node& node, const Schema& schema, std::string path);

  bool has(std::string_view field) const;
  std::string text(std::string_view field) const;
  double number(std::string_view field) const;
  std::optional<double> optional_number(std::string_view field) const;
  std::int64_t integer(std::string_view field) const;
  // An integer field that must fit in T (e.g. int): a larger value fails at
  // the field instead of wrapping (nodes=4294967297 must not run as 1).
  template <std::integral T>
  T integer_as(std::string_view field) const {
    const std::int64_t v = integer(field);
    if (!std::in_range<T>(v))
      fail_out_of_range(field, v, static_cast<int>(8 * sizeof(T)), std::to_string(std::numeric_limits<T>::min()),
                        std::to_string(std::numeric_limits<T>::max()));
    return static_cast<T>(v);
  }
  bool flag(std::string_view field) const;
  Section child(std::string_view field) const;
  std::vector<Section> items(std::string_view field) const;
  std::vector<std::string> strings(std::string_view field) const;
  std::map<std::string, std::string> string_map(std::string_view field) const;

  // The file named by a text field, resolved against the file that wrote
  // it (ConfigDoc::resolve_path); fails at the field if it is not a file.
  std::filesystem::path existing_file(std::string_view field) const;

  Location location(std::string_view field) const;
  // Throws ConfigError at the field's node (or at this mapping if absent).
  [[noreturn]] void fail(std::string_view field, const std::string& reason) const;
  [[noreturn]] void fail_out_of_range(std::string_view field, std::int64_t value, int bits, const std::string& min,
                                      const std::string& max) const;
  const std::string& path() const { return path_; }
  // The field's YAML node as written (undefined when absent).
  YAML::Node node(std::string_view field) const { return node_[std::string(field)]; }
  const ConfigDoc& doc() const { return *doc_; }

 private:
  const Field& declared(std::string_view field) const;
  YAML::Node value_or_default(const Field& f) const;
  std::string field_path(std::string_view field) const;
  void validate() const;
  void validate_field(const Field& f, const YAML::Node& value) const;

  const ConfigDoc* doc_;
  YAML::Node node_;
  const Schema* schema_;
  std::string path_;
};

}  // namespace coesim::config
