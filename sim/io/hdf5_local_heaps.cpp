#include "sim/io/hdf5_local_heaps.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "sim/config/config_error.h"
#include "sim/io/hdf5_global_heap.h"

namespace coesim::io {
namespace {

constexpr std::uint64_t kFreeListEnd = 1;  // HDF5's H5HL_FREE_NULL
constexpr std::size_t kBlockBytes = 1 << 20;

// The free list of the heap whose header starts at `header`, walked in `in`.
std::optional<std::string> free_list_problem(std::ifstream& in, std::uintmax_t file_bytes, std::uint64_t at,
                                             const unsigned char* header, const Hdf5Addressing& addressing) {
  const std::size_t length_bytes = addressing.length_bytes;
  const std::uint64_t data_bytes = little_endian(header + 8, length_bytes);
  std::uint64_t block = little_endian(header + 8 + length_bytes, length_bytes);
  const std::uint64_t data_at =
      addressing.base_address + little_endian(header + 8 + 2 * length_bytes, addressing.offset_bytes);
  if (data_at >= file_bytes || data_bytes > file_bytes - data_at) return std::nullopt;  // HDF5 refuses it itself
  const auto where = [&](const std::string& what) {
    return fmt::format("the local heap at byte {}: {}: the file is corrupt", at, what);
  };
  std::set<std::uint64_t> visited;
  std::vector<unsigned char> node(2 * length_bytes);
  while (block != kFreeListEnd) {
    if (block >= data_bytes || node.size() > data_bytes - block)
      return where(fmt::format("a free block at offset {} lies outside its {} bytes", block, data_bytes));
    if (!visited.insert(block).second) return where(fmt::format("its free list returns to offset {}", block));
    in.clear();
    in.seekg(static_cast<std::streamoff>(data_at + block));
    if (!in.read(reinterpret_cast<char*>(node.data()), static_cast<std::streamsize>(node.size())))
      return where("a free block cannot be read");
    const std::uint64_t size = little_endian(node.data() + length_bytes, length_bytes);
    if (size == 0 || size > data_bytes - block)
      return where(fmt::format("the free block at offset {} has size {}", block, size));
    block = little_endian(node.data(), length_bytes);
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> local_heap_problem(const std::string& file, const Hdf5Addressing& addressing) {
  std::error_code ec;
  const std::uintmax_t file_bytes = std::filesystem::file_size(file, ec);
  if (ec) return fmt::format("cannot size the file: {}", ec.message());
  const std::size_t header_bytes =
      8 + 2 * addressing.length_bytes + addressing.offset_bytes;  // signature, version, reserved, fields
  std::ifstream scan(file, std::ios::binary), walk(file, std::ios::binary);
  std::vector<unsigned char> block(kBlockBytes + header_bytes);
  for (std::uint64_t start = 0; start < file_bytes; start += kBlockBytes) {
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(block.size(), file_bytes - start));
    scan.clear();
    scan.seekg(static_cast<std::streamoff>(start));
    if (!scan.read(reinterpret_cast<char*>(block.data()), static_cast<std::streamsize>(n)))
      return "the file cannot be read";
    const std::string_view bytes(reinterpret_cast<const char*>(block.data()), n);
    for (std::size_t i = bytes.find("HEAP"); i != std::string_view::npos && i < kBlockBytes && i + header_bytes <= n;
         i = bytes.find("HEAP", i + 1)) {
      const unsigned char* h = block.data() + i;
      if (h[4] != 0 || h[5] != 0 || h[6] != 0 || h[7] != 0) continue;  // version 0, three reserved bytes
      if (auto problem = free_list_problem(walk, file_bytes, start + i, h, addressing)) return problem;
    }
  }
  return std::nullopt;
}

void check_local_heaps(const H5::H5File& h5, const std::string& file) {
  if (const auto problem = local_heap_problem(file, addressing_of(h5.getId(), file, "")))
    throw config::ConfigError(file, 0, 0, "", *problem);
}

}  // namespace coesim::io
