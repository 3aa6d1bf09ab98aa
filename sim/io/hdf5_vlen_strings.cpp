#include "sim/io/hdf5_vlen_strings.h"

#include <algorithm>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

#include "sim/config/config_error.h"
#include "sim/io/hdf5_addressing.h"

namespace coesim::io {
namespace {

// Closes an HDF5 C handle however the reader's set-up ends.
class Handle {
 public:
  Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() {
    if (id_ >= 0) close_(id_);
  }
  hid_t id() const { return id_; }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

constexpr std::size_t kMaxCachedHeaps = 64;  // strings are written in order: their collections are near each other

}  // namespace

void VlenStringColumn::fail(const std::string& why) const { throw config::ConfigError(file_, 0, 0, field_, why); }

VlenStringColumn::VlenStringColumn(const H5::DataSet& ds, std::string file, std::string field)
    : ds_(ds), file_(std::move(file)), field_(std::move(field)) {
  if (ds.getTypeClass() != H5T_STRING || !ds.getStrType().isVariableStr())
    fail("must be a variable-length string column");
  const H5::DataSpace space = ds.getSpace();
  if (space.getSimpleExtentNdims() != 1) fail("a string column is 1-D");
  space.getSimpleExtentDims(&rows_);

  std::error_code ec;
  file_bytes_ = std::filesystem::file_size(file_, ec);
  if (ec) fail(fmt::format("cannot size the file: {}", ec.message()));
  const Hdf5Addressing addressing = addressing_of(ds.getId(), file_, field_);
  offset_bytes_ = addressing.offset_bytes;
  length_bytes_ = addressing.length_bytes;
  base_address_ = addressing.base_address;
  const std::size_t descriptor_bytes = 4 + offset_bytes_ + 4;
  if (rows_ > file_bytes_ / descriptor_bytes)
    fail(fmt::format("{} strings cannot fit in a file of {} bytes: the file is corrupt", rows_, file_bytes_));
  if (rows_ == 0) return;

  const Handle dcpl(H5Dget_create_plist(ds.getId()), H5Pclose);
  if (dcpl.id() < 0) fail("cannot read the column's storage layout");
  const H5D_layout_t layout = H5Pget_layout(dcpl.id());
  if (layout == H5D_CONTIGUOUS) {
    contiguous_at_ = H5Dget_offset(ds.getId());
    if (contiguous_at_ == HADDR_UNDEF) fail("the column's strings were never written");
  } else if (layout == H5D_CHUNKED) {
    if (H5Pget_nfilters(dcpl.id()) != 0) fail("variable-length strings cannot be filtered: the file is corrupt");
    if (H5Pget_chunk(dcpl.id(), 1, &chunk_rows_) != 1 || chunk_rows_ == 0) fail("the column's chunks are not 1-D");
  } else {
    fail(
        "coesim reads variable-length strings stored contiguous or chunked (as HDF5, h5py and coesim write "
        "them), not compact or virtual");
  }
  in_.open(file_, std::ios::binary);
  if (!in_) fail("cannot open the file to read its strings");
}

// On disk a variable-length string is a descriptor: its length (4 bytes),
// then the global heap collection holding it (an address of the file's
// offset size) and its index there (4 bytes), all little-endian.
std::vector<unsigned char> VlenStringColumn::descriptors(hsize_t first, hsize_t count) {
  const std::size_t descriptor_bytes = 4 + offset_bytes_ + 4;
  std::vector<unsigned char> out(count * descriptor_bytes);
  if (count == 0) return out;
  if (chunk_rows_ == 0) {
    in_.clear();
    in_.seekg(static_cast<std::streamoff>(contiguous_at_ + first * descriptor_bytes));
    if (!in_.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(out.size())))
      fail("the column's string descriptors lie past the end of the file: the file is corrupt");
    return out;
  }
  std::vector<unsigned char> chunk;
  for (hsize_t row = first; row < first + count;) {
    hsize_t start = row / chunk_rows_ * chunk_rows_;
    unsigned mask = 0;
    haddr_t address = HADDR_UNDEF;
    hsize_t stored_bytes = 0;
    if (H5Dget_chunk_info_by_coord(ds_.getId(), &start, &mask, &address, &stored_bytes) < 0 || address == HADDR_UNDEF)
      fail(fmt::format("rows from {} were never written", start));
    if (stored_bytes != chunk_rows_ * descriptor_bytes)
      fail(fmt::format("a chunk of {} strings holds {} bytes: the file is corrupt", chunk_rows_, stored_bytes));
    chunk.resize(stored_bytes);
    std::uint32_t filters = 0;
    if (H5Dread_chunk(ds_.getId(), H5P_DEFAULT, &start, &filters, chunk.data()) < 0)
      fail(fmt::format("cannot read the chunk at row {}", start));
    const hsize_t end = std::min(start + chunk_rows_, first + count);
    std::copy(chunk.begin() + static_cast<std::ptrdiff_t>((row - start) * descriptor_bytes),
              chunk.begin() + static_cast<std::ptrdiff_t>((end - start) * descriptor_bytes),
              out.begin() + static_cast<std::ptrdiff_t>((row - first) * descriptor_bytes));
    row = end;
  }
  return out;
}

const GlobalHeapCollection& VlenStringColumn::collection(std::uint64_t address, hsize_t row) {
  if (const auto it = heaps_.find(address); it != heaps_.end()) return it->second;
  if (address == 0 || address >= file_bytes_)
    fail(fmt::format("row {}: its string lies past the end of the file: the file is corrupt", row));
  GlobalHeapCollection c = read_global_heap(in_, file_bytes_, base_address_ + address, length_bytes_);
  if (!c.problem.empty())
    fail(fmt::format("row {}: the string heap at address {}: {}: the file is corrupt", row, address, c.problem));
  if (heaps_.size() >= kMaxCachedHeaps) heaps_.clear();
  return heaps_.emplace(address, std::move(c)).first->second;
}

std::vector<std::string> VlenStringColumn::read(hsize_t first, hsize_t count) {
  if (first > rows_ || count > rows_ - first)
    fail(fmt::format("rows {} to {} asked of a column of {}", first, first + count, rows_));
  const std::vector<unsigned char> raw = descriptors(first, count);
  const std::size_t descriptor_bytes = 4 + offset_bytes_ + 4;
  std::vector<std::string> out(count);
  for (hsize_t i = 0; i < count; ++i) {
    const unsigned char* d = raw.data() + i * descriptor_bytes;
    const std::uint64_t length = little_endian(d, 4);
    if (length == 0) continue;
    const std::uint64_t index = little_endian(d + 4 + offset_bytes_, 4);
    const GlobalHeapCollection& heap = collection(little_endian(d + 4, offset_bytes_), first + i);
    const auto object = heap.object(index);
    if (!object) fail(fmt::format("row {}: its string heap holds no object {}: the file is corrupt", first + i, index));
    if (object->size() != length)
      fail(fmt::format("row {}: the string claims {} bytes; its heap object holds {}: the file is corrupt", first + i,
                       length, object->size()));
    out[i].assign(object->data(), strnlen(object->data(), object->size()));
  }
  return out;
}

}  // namespace coesim::io
