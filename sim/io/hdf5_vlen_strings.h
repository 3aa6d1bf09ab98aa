#pragma once
// Variable-length HDF5 strings, decoded by coesim rather than by HDF5. HDF5
// 1.10.8 trusts a file's string descriptors and string type: a corrupt length
// or character size makes it allocate gigabytes for a 4-row file (fuzz finds
// trace_h5/oom-*, embeddings_h5/oom-6b90), a wild heap address leaves it in a
// state that leaks, a zero-size heap object makes it loop forever. Here every
// descriptor, heap collection and string is checked against the file first.

#include <H5Cpp.h>

#include <cstdint>
#include <fstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "sim/io/hdf5_global_heap.h"

namespace coesim::io {

class VlenStringColumn {
 public:
  // Throws ConfigError(file, field) unless `ds` is a 1-D variable-length
  // string dataset stored contiguous or chunked without filters (how HDF5,
  // h5py and coesim write them) whose descriptors fit in the file.
  VlenStringColumn(const H5::DataSet& ds, std::string file, std::string field);

  hsize_t rows() const { return rows_; }
  const std::string& field() const { return field_; }

  // Rows [first, first + count): each string's heap collection must lie in
  // the file and parse, and hold the string at the length its descriptor
  // claims. A string ends at its first NUL, as a C string read by HDF5 does.
  std::vector<std::string> read(hsize_t first, hsize_t count);

 private:
  [[noreturn]] void fail(const std::string& why) const;
  std::vector<unsigned char> descriptors(hsize_t first, hsize_t count);
  const GlobalHeapCollection& collection(std::uint64_t address, hsize_t row);

  H5::DataSet ds_;
  std::string file_, field_;
  std::uintmax_t file_bytes_ = 0;
  std::size_t offset_bytes_ = 0, length_bytes_ = 0;
  std::uint64_t base_address_ = 0;  // the user block's size: addresses count from its end
  hsize_t rows_ = 0;
  haddr_t contiguous_at_ = HADDR_UNDEF;  // where the descriptors start when stored contiguous
  hsize_t chunk_rows_ = 0;               // rows per chunk when chunked
  std::ifstream in_;
  std::unordered_map<std::uint64_t, GlobalHeapCollection> heaps_;  // the collections read lately, by address
};

}  // namespace coesim::io
