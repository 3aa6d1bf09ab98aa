// Fuzz target: the native trace file in its CSV form (sim/workload/trace_file.h).
// The bytes are written as traces/fuzz-input.csv in the fuzz sandbox and read
// back row by row.
#include <cstddef>
#include <cstdint>

#include "sim/workload/trace_file.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace coesim;
  const auto file = fuzz::write_in_sandbox("traces/fuzz-input.csv", fuzz::as_text(data, size));
  fuzz::expect_clean_failure([&] { workload::read_trace(file, [](const workload::TraceRecord&) { return true; }); });
  return 0;
}
