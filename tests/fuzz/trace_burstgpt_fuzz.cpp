// Fuzz target: the burstgpt trace importer (sim/workload/trace_importers.h),
// BurstGPT (CSV, seconds from the start).
#include <cstddef>
#include <cstdint>

#include "tests/fuzz/trace_import_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  coesim::fuzz::fuzz_trace_import("burstgpt", data, size);
  return 0;
}
