#pragma once
// A global heap collection, where HDF5 keeps variable-length strings, read
// by coesim rather than by HDF5: HDF5 1.10 parses one in a loop that never
// ends when an object's size is 0 (fuzz find embeddings_h5/timeout-4e6f), so
// here every step is bounded and a corrupt collection is refused.

#include <cstdint>
#include <istream>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace coesim::io {

// The unsigned number in the first `n` bytes at `p` (at most 8 read), stored
// little-endian as every HDF5 file stores its addresses and lengths.
inline std::uint64_t little_endian(const unsigned char* p, std::size_t n) {
  std::uint64_t v = 0;
  for (std::size_t i = n < 8 ? n : 8; i-- > 0;) v = v << 8 | p[i];
  return v;
}

struct GlobalHeapCollection {
  std::string problem;  // why it cannot be used; empty when it parsed
  std::vector<unsigned char> bytes;
  std::map<std::uint64_t, std::pair<std::size_t, std::size_t>> objects;  // index -> (offset, size) in `bytes`

  // The bytes of object `index`, if the collection holds one.
  std::optional<std::string_view> object(std::uint64_t index) const;
};

// Reads the collection at file offset `at` of a file of `file_bytes` whose
// lengths are `length_bytes` long: a "GCOL" version-1 header whose size lies
// inside the file, then objects that tile it exactly (index, reference
// count, reserved, size, data padded to 8 bytes; index 0 is the free space).
GlobalHeapCollection read_global_heap(std::istream& in, std::uintmax_t file_bytes, std::uint64_t at,
                                      std::size_t length_bytes);

}  // namespace coesim::io
