#include "sim/io/hdf5_global_heap.h"

#include <fmt/format.h>

namespace coesim::io {
namespace {

constexpr std::uint64_t align8(std::uint64_t n) { return (n + 7) / 8 * 8; }

// Records the objects of `c` (its bytes after the header) as HDF5 walks them,
// or returns why they do not tile the collection.
std::string walk_objects(GlobalHeapCollection& c, std::size_t header_bytes, std::size_t length_bytes) {
  const std::size_t object_header_bytes = 8 + length_bytes;
  const std::vector<unsigned char>& b = c.bytes;
  std::size_t at = header_bytes;
  while (at < b.size()) {
    if (at + object_header_bytes > b.size()) return "";  // too small for a header: free space
    const std::uint64_t index = little_endian(&b[at], 2);
    const std::uint64_t size = little_endian(&b[at + 8], length_bytes);
    const std::uint64_t step = index > 0 ? object_header_bytes + align8(size) : size;
    if (step < object_header_bytes || step > b.size() - at)
      return fmt::format("object {} at byte {} has size {}", index, at, size);
    if (index > 0 && !c.objects.emplace(index, std::pair{at + object_header_bytes, size}).second)
      return fmt::format("object {} appears twice", index);
    at += step;
  }
  return "";
}

}  // namespace

std::optional<std::string_view> GlobalHeapCollection::object(std::uint64_t index) const {
  const auto it = objects.find(index);
  if (it == objects.end()) return std::nullopt;
  return std::string_view(reinterpret_cast<const char*>(bytes.data()) + it->second.first, it->second.second);
}

GlobalHeapCollection read_global_heap(std::istream& in, std::uintmax_t file_bytes, std::uint64_t at,
                                      std::size_t length_bytes) {
  GlobalHeapCollection c;
  const std::size_t header_bytes = align8(8 + length_bytes);  // "GCOL", version, 3 reserved, size
  if (at >= file_bytes || header_bytes > file_bytes - at) {
    c.problem = "past the end of the file";
    return c;
  }
  c.bytes.resize(header_bytes);
  in.clear();
  in.seekg(static_cast<std::streamoff>(at));
  if (!in.read(reinterpret_cast<char*>(c.bytes.data()), static_cast<std::streamsize>(header_bytes))) {
    c.problem = "cannot be read";
    return c;
  }
  if (std::string(c.bytes.begin(), c.bytes.begin() + 4) != "GCOL" || c.bytes[4] != 1) {
    c.problem = "not a version-1 global heap collection";
    return c;
  }
  const std::uint64_t size = little_endian(&c.bytes[8], length_bytes);
  if (size < header_bytes || size > file_bytes - at) {
    c.problem = fmt::format("its size {} passes the file's end", size);
    return c;
  }
  c.bytes.resize(size);
  in.seekg(static_cast<std::streamoff>(at));
  if (!in.read(reinterpret_cast<char*>(c.bytes.data()), static_cast<std::streamsize>(size)))
    c.problem = "cannot be read";
  else
    c.problem = walk_objects(c, header_bytes, length_bytes);
  return c;
}

}  // namespace coesim::io
