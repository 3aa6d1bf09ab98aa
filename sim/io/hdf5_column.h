#pragma once
// One appendable 1-D HDF5 dataset, for tables written a block of rows at a
// time so that no writer holds a whole table: unlimited length; numbers in
// chunks of 65536 rows with deflate level 4, variable-length strings (which
// HDF5 cannot compress) in chunks of 4096; no modification time (see
// hdf5_output_file.h).
#include <H5Cpp.h>

#include <cstdint>
#include <string>
#include <vector>

namespace coesim::io {

// T: std::int32_t, std::int64_t, double, or std::string (variable length).
template <typename T>
class Hdf5Column {
 public:
  Hdf5Column(const H5::Group& group, const std::string& name);
  void append(const std::vector<T>& values);
  hsize_t rows() const { return rows_; }

 private:
  H5::DataSet dataset_;
  hsize_t rows_ = 0;
};

extern template class Hdf5Column<std::int32_t>;
extern template class Hdf5Column<std::int64_t>;
extern template class Hdf5Column<double>;
extern template class Hdf5Column<std::string>;

}  // namespace coesim::io
