#pragma once
// How a file's addresses and lengths are stored, from its superblock: what
// coesim needs to read HDF5 structures itself (string heaps, local heaps).
#include <H5Cpp.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace coesim::io {

struct Hdf5Addressing {
  std::size_t offset_bytes = 8;    // an address
  std::size_t length_bytes = 8;    // a length
  std::uint64_t base_address = 0;  // the user block's size: addresses count from its end
};

// The addressing of the file holding `object` (a file, group or dataset id).
// Throws ConfigError(file, field) when HDF5 cannot say.
Hdf5Addressing addressing_of(hid_t object, const std::string& file, const std::string& field);

}  // namespace coesim::io
