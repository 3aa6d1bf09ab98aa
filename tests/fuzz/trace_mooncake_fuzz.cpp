// Fuzz target: the mooncake trace importer (sim/workload/trace_importers.h),
// Mooncake (JSONL, milliseconds from the start).
#include <cstddef>
#include <cstdint>

#include "tests/fuzz/trace_import_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  coesim::fuzz::fuzz_trace_import("mooncake", data, size);
  return 0;
}
