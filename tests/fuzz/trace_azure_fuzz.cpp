// Fuzz target: the azure trace importer (sim/workload/trace_importers.h),
// the Azure LLM inference traces 2023 (CSV, absolute timestamps).
#include <cstddef>
#include <cstdint>

#include "tests/fuzz/trace_import_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  coesim::fuzz::fuzz_trace_import("azure", data, size);
  return 0;
}
