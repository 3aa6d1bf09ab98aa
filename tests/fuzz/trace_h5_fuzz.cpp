// Fuzz target: the native HDF5 trace reader (sim/workload/trace_file.h). The
// bytes are written as traces/fuzz-input.h5 in the fuzz sandbox and read back
// block by block. Seeded with small traces the native writer made.
#include <cstddef>
#include <cstdint>

#include "sim/workload/trace_file.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/fuzz/hdf5_target.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace coesim;
  fuzz::free_hdf5_blocks_at_once();
  const auto file = fuzz::write_in_sandbox("traces/fuzz-input.h5", fuzz::as_text(data, size));
  fuzz::expect_clean_failure([&] { workload::read_trace(file, [](const workload::TraceRecord&) { return true; }); });
  return 0;
}
