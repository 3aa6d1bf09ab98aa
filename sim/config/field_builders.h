#pragma once
// Composable builders for schema Field declarations, shared by every loader:
//   required(positive(quantity("capacity_bytes", Unit::Bytes, "...")))
// (Designated initializers that skip members warn under -Wextra on GCC 12.)
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "sim/config/schema.h"

namespace coesim::config {

inline Field field(std::string name, FieldKind kind, std::string help) {
  Field f;
  f.name = std::move(name);
  f.kind = kind;
  f.help = std::move(help);
  return f;
}

inline Field quantity(std::string name, Unit unit, std::string help) {
  Field f = field(std::move(name), FieldKind::Number, std::move(help));
  f.unit = unit;
  return f;
}

inline Field nested(std::string name, FieldKind kind, const Schema& schema, std::string help) {
  Field f = field(std::move(name), kind, std::move(help));
  f.nested = &schema;
  return f;
}

inline Field required(Field f) {
  f.required = true;
  return f;
}

inline Field with_default(Field f, std::string default_text) {
  f.default_text = std::move(default_text);
  return f;
}

// A default as the schema writes it, from the value a default-constructed
// struct holds, so that a default is written once, in the struct.
inline std::string default_text(bool v) { return v ? "true" : "false"; }
inline std::string default_text(const std::string& v) { return v; }
inline std::string default_text(std::string_view v) { return std::string(v); }
std::string default_text(const char*) = delete;  // would be taken as a bool
template <typename T>
requires std::is_arithmetic_v<T> std::string default_text(T v) { return fmt::format("{}", v); }

inline Field positive(Field f) {
  f.min = 0.0;
  f.min_exclusive = true;
  return f;
}

inline Field non_negative(Field f) {
  f.min = 0.0;
  return f;
}

inline Field at_least(Field f, double min) {
  f.min = min;
  return f;
}

inline Field at_most(Field f, double max) {
  f.max = max;
  return f;
}

// A fraction in (0, 1], 1 by default (an efficiency: no derating).
inline Field fraction(std::string name, std::string help) {
  return with_default(at_most(positive(quantity(std::move(name), Unit::None, std::move(help))), 1.0), "1");
}

inline Field one_of(Field f, std::vector<std::string> choices) {
  f.choices = std::move(choices);
  return f;
}

}  // namespace coesim::config
