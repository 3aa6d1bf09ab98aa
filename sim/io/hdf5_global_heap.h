#pragma once
// HDF5 1.10 parses a global heap collection (where variable-length strings
// live) in a loop that never ends when an object's size is 0 (fuzz find
// embeddings_h5/timeout-4e6f): the collections are walked here first, with
// every step bounded, and a corrupt one is refused.

#include <cstdint>
#include <optional>
#include <set>
#include <string>

namespace coesim::io {

// The unsigned number in the first `n` bytes at `p` (at most 8 read), stored
// little-endian as every HDF5 file stores its addresses and lengths.
inline std::uint64_t little_endian(const unsigned char* p, std::size_t n) {
  std::uint64_t v = 0;
  for (std::size_t i = n < 8 ? n : 8; i-- > 0;) v = v << 8 | p[i];
  return v;
}

// Why the global heap collections at `addresses` (relative to `base_address`)
// of `file` (`file_bytes` long, lengths of `length_bytes`) cannot be parsed,
// or nothing when each is a "GCOL" collection inside the file, none overlaps
// the next, and its objects tile it exactly.
std::optional<std::string> global_heap_problem(const std::string& file, std::uintmax_t file_bytes,
                                               std::uint64_t base_address, std::size_t length_bytes,
                                               const std::set<std::uint64_t>& addresses);

}  // namespace coesim::io
