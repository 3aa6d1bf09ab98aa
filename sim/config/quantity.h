#pragma once
// Physical quantities in config files: a plain number in the field's base unit
// (bytes, bytes/s, s, FLOP/s) or a number with an explicit unit ("64 GiB/s",
// "520 MB", "5 us"), so every file says whether it means decimal or binary units.
#include <string>
#include <string_view>

namespace coesim::config {

enum class Unit { None, Bytes, BytesPerS, Seconds, FlopsPerS };

// Base-unit name used in messages and --help ("bytes/s").
std::string_view unit_name(Unit unit);

// Parses text as a quantity of the given unit and returns it in the base unit.
// Throws std::invalid_argument with a readable reason on bad input (unknown
// suffix, wrong unit family, not a finite number).
double parse_quantity(std::string_view text, Unit unit);

}  // namespace coesim::config
