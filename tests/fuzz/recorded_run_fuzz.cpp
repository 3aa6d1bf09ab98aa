// Fuzz target: run summaries read by `coesim run --reproduce`
// (sim/experiment/recorded_run.h). The bytes are written as
// results/fuzz/summary.json in the fuzz sandbox and read. Its input files are
// relative to the working directory, as for the command; the reader only
// hashes them.
#include <cstddef>
#include <cstdint>

#include "sim/experiment/recorded_run.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace coesim;
  const auto file = fuzz::write_in_sandbox("results/fuzz/summary.json", fuzz::as_text(data, size));
  fuzz::expect_clean_failure([&] { experiment::read_recorded_run(file); });
  return 0;
}
