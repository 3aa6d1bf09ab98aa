// Fuzz target: precomputed router embeddings in HDF5 (sim/coe/hdf5_embeddings.h),
// the other HDF5 file coesim reads. The bytes are written as
// workloads/coe/fuzz-embeddings.h5 in the fuzz sandbox and loaded.
#include <cstddef>
#include <cstdint>

#include "sim/coe/hdf5_embeddings.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/fuzz/hdf5_target.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace coesim;
  fuzz::free_hdf5_blocks_at_once();
  const auto file = fuzz::write_in_sandbox("workloads/coe/fuzz-embeddings.h5", fuzz::as_text(data, size));
  fuzz::expect_clean_failure([&] { const coe::Hdf5Embeddings embeddings({file}, 0); });
  return 0;
}
