#include "sim/io/hdf5_global_heap.h"

#include <fstream>
#include <iterator>
#include <vector>

#include <fmt/format.h>

namespace coesim::io {
namespace {

constexpr std::uint64_t align8(std::uint64_t n) { return (n + 7) / 8 * 8; }

// The objects of one collection (its bytes after the header), as HDF5 walks
// them: index (2 bytes), reference count (2), reserved (4), size; an object
// with index 0 is the free space, whose size includes its header.
std::optional<std::string> objects_problem(const std::vector<unsigned char>& c, std::size_t header_bytes,
                                           std::size_t length_bytes) {
  const std::size_t object_header_bytes = 8 + length_bytes;
  std::size_t at = header_bytes;
  while (at < c.size()) {
    if (at + object_header_bytes > c.size()) return std::nullopt;  // too small for a header: free space
    const std::uint64_t index = little_endian(&c[at], 2);
    const std::uint64_t size = little_endian(&c[at + 8], length_bytes);
    const std::uint64_t step = index > 0 ? object_header_bytes + align8(size) : size;
    if (step < object_header_bytes || step > c.size() - at)
      return fmt::format("object {} at byte {} has size {}", index, at, size);
    at += step;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> global_heap_problem(const std::string& file, std::uintmax_t file_bytes,
                                               std::uint64_t base_address, std::size_t length_bytes,
                                               const std::set<std::uint64_t>& addresses) {
  const std::size_t header_bytes = align8(8 + length_bytes);  // "GCOL", version, 3 reserved, size
  std::ifstream in(file, std::ios::binary);
  for (auto it = addresses.begin(); it != addresses.end(); ++it) {
    const std::uint64_t at = base_address + *it;
    const auto where = [&](const std::string& what) {
      return fmt::format("the string heap at address {}: {}: the file is corrupt", *it, what);
    };
    if (at >= file_bytes || header_bytes > file_bytes - at) return where("past the end of the file");
    std::vector<unsigned char> header(header_bytes);
    in.seekg(static_cast<std::streamoff>(at));
    if (!in.read(reinterpret_cast<char*>(header.data()), static_cast<std::streamsize>(header.size())))
      return where("cannot be read");
    if (std::string(header.begin(), header.begin() + 4) != "GCOL" || header[4] != 1)
      return where("not a version-1 global heap collection");
    const std::uint64_t size = little_endian(&header[8], length_bytes);
    const auto next = std::next(it);
    if (size < header_bytes || size > file_bytes - at || (next != addresses.end() && *it + size > *next))
      return where(fmt::format("its size {} overlaps the file's end or the next heap", size));
    std::vector<unsigned char> collection(size);
    in.seekg(static_cast<std::streamoff>(at));
    if (!in.read(reinterpret_cast<char*>(collection.data()), static_cast<std::streamsize>(size)))
      return where("cannot be read");
    if (const auto problem = objects_problem(collection, header_bytes, length_bytes)) return where(*problem);
  }
  return std::nullopt;
}

}  // namespace coesim::io
