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
// `omit_while_empty` (strings only): the dataset is made only once a value
// is not empty, with the rows before it written as empty strings; a column
// that stays empty is not in the file at all. Each row of a variable-length
// string costs 16 bytes or more even when empty, and HDF5 cannot compress
// them: a 10 M-row trace without prompts would carry 300 MB of nothing.
template <typename T>
class Hdf5Column {
 public:
  Hdf5Column(const H5::Group& group, const std::string& name, bool omit_while_empty = false);
  void append(const std::vector<T>& values);
  hsize_t rows() const { return rows_; }

 private:
  void create();
  H5::Group group_;
  std::string name_;
  bool created_ = false;
  H5::DataSet dataset_;
  hsize_t rows_ = 0;
};

extern template class Hdf5Column<std::int32_t>;
extern template class Hdf5Column<std::int64_t>;
extern template class Hdf5Column<double>;
extern template class Hdf5Column<std::string>;

}  // namespace coesim::io
