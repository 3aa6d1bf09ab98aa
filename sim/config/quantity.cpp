#include "sim/config/quantity.h"

#include <array>
#include <charconv>
#include <cmath>
#include <stdexcept>
#include <fmt/format.h>

namespace coesim::config {
namespace {

struct Suffix {
  std::string_view text;
  double factor;
};

// Byte multiples, decimal (SI) and binary (IEC).
constexpr std::array<Suffix, 13> kByteSuffixes{{
    {"B", 1.0},
    {"kB", 1e3},
    {"KB", 1e3},
    {"MB", 1e6},
    {"GB", 1e9},
    {"TB", 1e12},
    {"PB", 1e15},
    {"KiB", 1024.0},
    {"MiB", 1048576.0},
    {"GiB", 1073741824.0},
    {"TiB", 1099511627776.0},
    {"PiB", 1125899906842624.0},
    {"bytes", 1.0},
}};
constexpr std::array<Suffix, 6> kSecondSuffixes{{
    {"s", 1.0},
    {"ms", 1e-3},
    {"us", 1e-6},
    {"ns", 1e-9},
    {"ps", 1e-12},
    {"min", 60.0},
}};
constexpr std::array<Suffix, 6> kFlopSuffixes{{
    {"FLOP/s", 1.0},
    {"GFLOP/s", 1e9},
    {"TFLOP/s", 1e12},
    {"PFLOP/s", 1e15},
    {"TFLOPS", 1e12},
    {"PFLOPS", 1e15},
}};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

template <size_t N>
bool find_factor(const std::array<Suffix, N>& table, std::string_view suffix, double& factor) {
  for (const auto& s : table) {
    if (s.text == suffix) {
      factor = s.factor;
      return true;
    }
  }
  return false;
}

double suffix_factor(std::string_view suffix, Unit unit) {
  double factor = 1.0;
  switch (unit) {
    case Unit::None:
      break;
    case Unit::Bytes:
      if (find_factor(kByteSuffixes, suffix, factor)) return factor;
      break;
    case Unit::BytesPerS:
      if (suffix.size() > 2 && suffix.ends_with("/s") &&
          find_factor(kByteSuffixes, suffix.substr(0, suffix.size() - 2), factor))
        return factor;
      break;
    case Unit::Seconds:
      if (find_factor(kSecondSuffixes, suffix, factor)) return factor;
      break;
    case Unit::FlopsPerS:
      if (find_factor(kFlopSuffixes, suffix, factor)) return factor;
      break;
  }
  throw std::invalid_argument(fmt::format("unit '{}' is not a unit of {}", suffix, unit_name(unit)));
}

}  // namespace

std::string_view unit_name(Unit unit) {
  switch (unit) {
    case Unit::None:
      return "a plain number";
    case Unit::Bytes:
      return "bytes";
    case Unit::BytesPerS:
      return "bytes/s";
    case Unit::Seconds:
      return "seconds";
    case Unit::FlopsPerS:
      return "FLOP/s";
  }
  return "?";
}

double parse_quantity(std::string_view text, Unit unit) {
  const std::string_view t = trim(text);
  if (t.empty()) throw std::invalid_argument("empty value");
  double value = 0.0;
  const char* begin = t.data();
  const char* end = t.data() + t.size();
  if (*begin == '+') ++begin;
  const auto [ptr, ec] = std::from_chars(begin, end, value);
  if (ec != std::errc() || ptr == begin) throw std::invalid_argument(fmt::format("'{}' is not a number", t));
  if (!std::isfinite(value)) throw std::invalid_argument(fmt::format("'{}' is not finite", t));
  const std::string_view suffix = trim(std::string_view(ptr, static_cast<size_t>(end - ptr)));
  if (suffix.empty()) return value;
  if (unit == Unit::None) throw std::invalid_argument(fmt::format("'{}' must be a plain number, without a unit", t));
  const double result = value * suffix_factor(suffix, unit);
  if (!std::isfinite(result)) throw std::invalid_argument(fmt::format("'{}' overflows", t));
  return result;
}

}  // namespace coesim::config
