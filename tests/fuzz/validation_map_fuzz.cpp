// Fuzz target: validation maps (sim/validation/validation_map.h). The bytes
// are written as hw-configs/measurements/fuzz-input.yaml in the fuzz sandbox,
// where the shipped maps' model and profile paths resolve.
#include <cstddef>
#include <cstdint>

#include "sim/config/config_doc.h"
#include "sim/validation/validation_map.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace coesim;
  const auto file = fuzz::write_in_sandbox("hw-configs/measurements/fuzz-input.yaml", fuzz::as_text(data, size));
  fuzz::expect_clean_failure([&] { validation::load_validation_map(config::ConfigDoc::load(file)); });
  return 0;
}
