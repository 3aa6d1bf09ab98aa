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

// Why the global heap collections at `addresses` (relative to `base_address`)
// of `file` (`file_bytes` long, lengths of `length_bytes`) cannot be parsed,
// or nothing when each is a "GCOL" collection inside the file, none overlaps
// the next, and its objects tile it exactly.
std::optional<std::string> global_heap_problem(const std::string& file, std::uintmax_t file_bytes,
                                               std::uint64_t base_address, std::size_t length_bytes,
                                               const std::set<std::uint64_t>& addresses);

}  // namespace coesim::io
