#pragma once
// Option checks that say the rule in plain words: CLI11's PositiveNumber and
// NonNegativeNumber print the largest double in their message ("not in
// range 0.000000 to 1797693134862315708...").
#include <cmath>
#include <cstdlib>
#include <string>

#include <CLI/CLI.hpp>

namespace coesim::cli {

namespace detail {

inline CLI::Validator number_check(bool (*ok)(double), const char* rule, const char* name) {
  return CLI::Validator(
      [ok, rule](std::string& text) -> std::string {
        char* end = nullptr;
        const double v = std::strtod(text.c_str(), &end);
        if (end == text.c_str() || *end != '\0' || !std::isfinite(v)) return "'" + text + "' is not a finite number";
        return ok(v) ? std::string() : "'" + text + "' is not " + rule;
      },
      name, name);
}

}  // namespace detail

// Any finite number (no help label): main() puts it on every floating-point
// option, since CLI11 parses "nan" and "inf" as numbers.
inline const CLI::Validator& finite_number() {
  static const CLI::Validator check = detail::number_check([](double) { return true; }, "", "");
  return check;
}

// A finite number > 0.
inline const CLI::Validator& positive_number() {
  static const CLI::Validator check = detail::number_check([](double v) { return v > 0; }, "> 0", "POSITIVE");
  return check;
}

// A finite number >= 0.
inline const CLI::Validator& non_negative_number() {
  static const CLI::Validator check = detail::number_check([](double v) { return v >= 0; }, ">= 0", "NONNEGATIVE");
  return check;
}

}  // namespace coesim::cli
