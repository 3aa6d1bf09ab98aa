#pragma once
// One appendable 1-D HDF5 dataset, for tables written a block of rows at a
// time so that no writer holds a whole table: unlimited length; numbers in
// chunks of 65536 rows with deflate level 4, variable-length strings (which
// HDF5 cannot compress) in chunks of 4096; no modification time (see
// hdf5_output_file.h).
#include <H5Cpp.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace coesim::io {

// A column's name and what it holds, declared once where the column is
// defined. A results file writes `unit` and `description` on the dataset
// as string attributes, so that a reader (h5py, scripts/coesim_results.py)
// needs no other document. Units: "s", "bytes", "bytes/s", "tokens"; "1"
// for other numbers without a unit (counts, ratios, indices, codes); ""
// for text. A column of a file with no units (traces, embeddings) has
// only a name.
struct ColumnSpec {
  std::string_view name;
  std::string_view unit{};
  std::string_view description{};  // one line
  // Rows per chunk; 0: the defaults above. A table whose length is known
  // and short (a sweep's) gives it: every chunk is deflated whole when the
  // file closes, so 65536-row chunks cost ~1 ms per column of 1,000 rows.
  std::size_t chunk_rows = 0;
};

// Writes `column`'s unit and description on `dataset` (variable-length
// UTF-8 strings, which h5py reads as str).
void describe(const H5::DataSet& dataset, const ColumnSpec& column);

// T: std::int32_t, std::int64_t, double, or std::string (variable length).
// `omit_while_empty` (strings only): the dataset is made only once a value
// is not empty, with the rows before it written as empty strings; a column
// that stays empty is not in the file at all. Each row of a variable-length
// string costs 16 bytes or more even when empty, and HDF5 cannot compress
// them: a 10 M-row trace without prompts would carry 300 MB of nothing.
template <typename T>
class Hdf5Column {
 public:
  // A column of a results file: described (see ColumnSpec).
  Hdf5Column(const H5::Group& group, const ColumnSpec& column, bool omit_while_empty = false);
  // A column of a file with no units (traces, embeddings).
  Hdf5Column(const H5::Group& group, const std::string& name, bool omit_while_empty = false);
  void append(const std::vector<T>& values);
  // The same from C strings, which need not be copied into std::strings first.
  void append(const std::vector<const char*>& values);  // string columns only (std::logic_error otherwise)
  hsize_t rows() const { return rows_; }

 private:
  void create();
  void write(const void* values, hsize_t n, const H5::DSetMemXferPropList& transfer);
  H5::Group group_;
  std::string name_;
  std::string unit_, description_;  // no attributes while description_ is empty
  hsize_t chunk_rows_;
  bool created_ = false;
  H5::DataSet dataset_;
  hsize_t rows_ = 0;
};

extern template class Hdf5Column<std::int32_t>;
extern template class Hdf5Column<std::int64_t>;
extern template class Hdf5Column<double>;
extern template class Hdf5Column<std::string>;

}  // namespace coesim::io
