// Fuzz target: quantities in config files (sim/config/quantity.h), parsed as
// each unit. Bad text must end in std::invalid_argument, as documented.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "sim/config/quantity.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using coesim::config::Unit;
  const std::string text = coesim::fuzz::as_text(data, size);
  for (const Unit unit : {Unit::None, Unit::Bytes, Unit::BytesPerS, Unit::Seconds, Unit::FlopsPerS}) {
    try {
      coesim::config::parse_quantity(text, unit);
    } catch (const std::invalid_argument&) {
    }
  }
  return 0;
}
