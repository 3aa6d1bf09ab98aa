#include "sim/io/hdf5_vlen_strings.h"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <set>

#include <fmt/format.h>

#include "sim/config/config_error.h"
#include "sim/io/hdf5_global_heap.h"

namespace coesim::io {
namespace {

using config::ConfigError;

// Closes an HDF5 C handle however the check ends.
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

// On disk a variable-length string is a descriptor: its length (4 bytes),
// then the global heap collection holding it (an address of the file's
// offset size) and its index there (4 bytes), all little-endian.
struct Descriptors {
  std::size_t offset_bytes;
  std::uintmax_t file_bytes;
  std::uint64_t claimed_bytes = 0;
  bool outside_file = false;                 // a string whose heap collection starts past the file's end
  std::set<std::uint64_t> heap_addresses;  // of the collections the strings are in (0: a null string)

  std::size_t descriptor_bytes() const { return 4 + offset_bytes + 4; }

  void add(const std::vector<unsigned char>& raw, hsize_t count) {
    for (hsize_t i = 0; i < count; ++i) {
      const unsigned char* d = raw.data() + i * descriptor_bytes();
      const std::uint64_t length = little_endian(d, 4);
      claimed_bytes += length;
      const std::uint64_t heap = little_endian(d + 4, offset_bytes);
      if (heap >= file_bytes) outside_file = true;
      else if (heap != 0) heap_addresses.insert(heap);
    }
  }
};

}  // namespace

void check_vlen_strings(const H5::DataSet& ds, const std::string& file, const std::string& field) {
  if (ds.getTypeClass() != H5T_STRING || !ds.getStrType().isVariableStr()) return;
  const auto fail = [&](const std::string& why) { throw ConfigError(file, 0, 0, field, why); };
  const H5::DataSpace space = ds.getSpace();
  if (space.getSimpleExtentNdims() != 1) fail("a string column is 1-D");
  hsize_t rows = 0;
  space.getSimpleExtentDims(&rows);
  if (rows == 0) return;

  std::error_code ec;
  const std::uintmax_t file_bytes = std::filesystem::file_size(file, ec);
  if (ec) fail(fmt::format("cannot size the file: {}", ec.message()));
  const Handle file_id(H5Iget_file_id(ds.getId()), H5Fclose);
  const Handle fcpl(H5Fget_create_plist(file_id.id()), H5Pclose);
  std::size_t offset_bytes = 0, length_bytes = 0;
  if (file_id.id() < 0 || fcpl.id() < 0 || H5Pget_sizes(fcpl.id(), &offset_bytes, &length_bytes) < 0)
    fail("cannot read the file's address size");
  Descriptors descriptors{offset_bytes, file_bytes, 0, false, {}};
  const std::uintmax_t descriptors_bytes = rows * descriptors.descriptor_bytes();
  if (rows > file_bytes || descriptors_bytes > file_bytes)
    fail(fmt::format("{} strings cannot fit in a file of {} bytes: the file is corrupt", rows, file_bytes));

  const Handle dcpl(H5Dget_create_plist(ds.getId()), H5Pclose);
  if (dcpl.id() < 0) fail("cannot read the column's storage layout");
  const H5D_layout_t layout = H5Pget_layout(dcpl.id());
  if (layout == H5D_CONTIGUOUS) {
    const haddr_t at = H5Dget_offset(ds.getId());
    if (at == HADDR_UNDEF) fail("the column's strings were never written");
    std::ifstream in(file, std::ios::binary);
    in.seekg(static_cast<std::streamoff>(at));
    constexpr hsize_t kBatchRows = 65536;
    std::vector<unsigned char> raw;
    for (hsize_t done = 0; done < rows; done += kBatchRows) {
      const hsize_t n = std::min(kBatchRows, rows - done);
      raw.resize(n * descriptors.descriptor_bytes());
      if (!in.read(reinterpret_cast<char*>(raw.data()), static_cast<std::streamsize>(raw.size())))
        fail("the column's string descriptors lie past the end of the file: the file is corrupt");
      descriptors.add(raw, n);
    }
  } else if (layout == H5D_CHUNKED) {
    if (H5Pget_nfilters(dcpl.id()) != 0) fail("variable-length strings cannot be filtered: the file is corrupt");
    hsize_t chunk_rows = 0;
    if (H5Pget_chunk(dcpl.id(), 1, &chunk_rows) != 1 || chunk_rows == 0) fail("the column's chunks are not 1-D");
    std::vector<unsigned char> raw;
    for (hsize_t at = 0; at < rows; at += chunk_rows) {
      unsigned mask = 0;
      haddr_t address = HADDR_UNDEF;
      hsize_t stored_bytes = 0;
      if (H5Dget_chunk_info_by_coord(ds.getId(), &at, &mask, &address, &stored_bytes) < 0 || address == HADDR_UNDEF)
        fail(fmt::format("rows from {} were never written", at));
      if (stored_bytes != chunk_rows * descriptors.descriptor_bytes() || stored_bytes > file_bytes)
        fail(fmt::format("a chunk of {} strings holds {} bytes: the file is corrupt", chunk_rows, stored_bytes));
      raw.resize(stored_bytes);
      std::uint32_t filters = 0;
      if (H5Dread_chunk(ds.getId(), H5P_DEFAULT, &at, &filters, raw.data()) < 0)
        fail(fmt::format("cannot read the chunk at row {}", at));
      descriptors.add(raw, std::min(chunk_rows, rows - at));
    }
  } else {
    fail("coesim reads variable-length strings stored contiguous or chunked (as HDF5, h5py and coesim write "
         "them), not compact or virtual");
  }
  if (descriptors.outside_file) fail("a string lies past the end of the file: the file is corrupt");
  if (descriptors.claimed_bytes > file_bytes)
    fail(fmt::format("the strings claim {} bytes in a file of {} bytes: the file is corrupt", descriptors.claimed_bytes,
                     file_bytes));
  hsize_t base_address = 0;
  if (H5Pget_userblock(fcpl.id(), &base_address) < 0) fail("cannot read the file's user block size");
  if (const auto problem =
          global_heap_problem(file, file_bytes, base_address, length_bytes, descriptors.heap_addresses))
    fail(*problem);
}

VlenStrings::~VlenStrings() {
  try {
    H5::DataSet::vlenReclaim(strings_.data(), type_, space_);
  } catch (const H5::Exception&) {  // a destructor must not throw; a leak is the worst outcome
  }
}

}  // namespace coesim::io
