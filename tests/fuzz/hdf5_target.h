#pragma once
// What the two HDF5 fuzz targets (trace_h5, embeddings_h5) add to
// fuzz_support.h; each includes it once.
#include <stdexcept>

#include <H5public.h>

// HDF5 asks malloc for whatever size a corrupt file claims (a local heap of
// 2^64 bytes); glibc refuses an impossible size, HDF5 reports "memory
// allocation failed" and coesim passes that on as bad input (exit 2), as the
// release build's replay shows. ASan aborts on such a request by default;
// here it returns null as glibc does. Sizes that could be allocated still
// count: libFuzzer's -malloc_limit_mb reports them as out-of-memory.
extern "C" const char* __asan_default_options() { return "allocator_may_return_null=1"; }

namespace coesim::fuzz {

// HDF5 keeps freed blocks on free lists of its own and hands them out again,
// so LeakSanitizer would name the call that first allocated a leaked block,
// not the one that lost it. The HDF5 targets turn the lists off first.
inline void free_hdf5_blocks_at_once() {
  static const bool done = H5set_free_list_limits(0, 0, 0, 0, 0, 0) >= 0;
  if (!done) throw std::runtime_error("H5set_free_list_limits failed");
}

}  // namespace coesim::fuzz
