#pragma once
// Each config field is declared once (name, kind, unit, default, range, help),
// ns-3 attribute style. The declaration drives validation of YAML files, the
// `coesim schema` help text and override paths, so no knob is silently ignored.
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "sim/config/quantity.h"

namespace coesim::config {

enum class FieldKind {
  String,      // scalar text; optionally one of `choices`
  Integer,     // whole number, range-checked
  Number,      // quantity with `unit` (plain number in base unit, or "64 GiB/s")
  Bool,        // true / false
  Map,         // nested mapping validated against `nested`
  List,        // sequence of mappings, each validated against `nested`
  StringList,  // sequence of scalars
  StringMap,   // mapping of free keys to scalar text (e.g. sources)
};

struct Schema;

struct Field {
  std::string name;
  FieldKind kind = FieldKind::String;
  Unit unit = Unit::None;
  bool required = false;
  std::string default_text;  // shown in help and used when absent; empty: no default
  double min = -std::numeric_limits<double>::infinity();
  bool min_exclusive = false;
  double max = std::numeric_limits<double>::infinity();
  std::vector<std::string> choices;
  const Schema* nested = nullptr;
  std::string help;
};

struct Schema {
  std::string name;
  std::string help;
  std::vector<Field> fields;

  const Field* find(std::string_view field_name) const;
  std::string allowed_names() const;
};

// Human-readable listing of a schema and its nested schemas, for --help.
std::string describe(const Schema& schema);

}  // namespace coesim::config
