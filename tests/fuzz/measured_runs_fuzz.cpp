// Fuzz target: measured-runs CSV (sim/validation/measured_runs.h), the
// LLM-Inference-Bench, NeMo and TTFT layouts, parsed from memory.
#include <cstddef>
#include <cstdint>
#include <sstream>

#include "sim/validation/measured_runs.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace coesim;
  std::istringstream in(fuzz::as_text(data, size));
  fuzz::expect_clean_failure([&] { validation::parse_measured_runs(in, "fuzz-input"); });
  return 0;
}
