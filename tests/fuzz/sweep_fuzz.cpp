// Fuzz target: sweep files (sim/experiment/sweep_spec.h). The bytes are
// written as tests/data/sweeps/fuzz-input.yaml in the fuzz sandbox, so the
// seeds' experiment paths resolve to the sandbox's copies, then loaded,
// expanded and every axis value checked on the base, as `coesim sweep` does.
#include <cstddef>
#include <cstdint>

#include "sim/experiment/sweep_spec.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace coesim;
  const auto file = fuzz::write_in_sandbox("tests/data/sweeps/fuzz-input.yaml", fuzz::as_text(data, size));
  fuzz::expect_clean_failure([&] { experiment::load_sweep(file); });
  return 0;
}
