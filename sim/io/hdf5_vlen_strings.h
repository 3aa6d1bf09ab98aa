#pragma once
// Reading variable-length HDF5 strings safely. HDF5 allocates each string at
// the length its on-disk descriptor claims before reading it, so a corrupt
// descriptor in a 4-row file makes the read take gigabytes (fuzz finds
// trace_h5/oom-*), and a wild heap address leaves HDF5 in a state that leaks
// on the next read (leak-5f51); the descriptors are checked first.

#include <H5Cpp.h>

#include <string>
#include <vector>

namespace coesim::io {

// Throws ConfigError(file, field) unless every variable-length string of `ds`
// is stored contiguous or chunked without filters (how HDF5, h5py and coesim
// write them), the lengths its descriptors claim sum to no more than the
// file's size (each string is stored in the file, once), and every heap
// collection they point to lies inside the file and parses
// (global_heap_problem). Reads the descriptors (16 bytes a string) and each
// collection once, before HDF5 reads anything.
void check_vlen_strings(const H5::DataSet& ds, const std::string& file, const std::string& field);

// A block of variable-length strings HDF5 allocates on read, reclaimed
// however the block ends (a later column read may throw).
class VlenStrings {
 public:
  VlenStrings(hsize_t n, const H5::StrType& type, const H5::DataSpace& space)
      : strings_(n, nullptr), type_(type), space_(space) {}
  VlenStrings(const VlenStrings&) = delete;
  VlenStrings& operator=(const VlenStrings&) = delete;
  ~VlenStrings();
  char** data() { return strings_.data(); }
  hsize_t size() const { return strings_.size(); }
  const char* operator[](hsize_t i) const { return strings_[i] ? strings_[i] : ""; }

 private:
  std::vector<char*> strings_;
  const H5::StrType& type_;
  const H5::DataSpace& space_;
};

}  // namespace coesim::io
