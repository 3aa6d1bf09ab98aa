#include "sim/io/hdf5_column.h"

#include <algorithm>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <type_traits>

#include "sim/io/hdf5_output_file.h"

namespace coesim::io {
namespace {

// Numbers compress, so a mostly empty last chunk costs little; variable-
// length strings cannot be filtered, so their chunks stay small.
constexpr hsize_t kChunkRows = 65536;
constexpr hsize_t kStringChunkRows = 4096;
constexpr std::size_t kStringBufferBytesPerRow = 32;  // above a pointer in memory and a heap id in the file

template <typename T>
H5::DataType element_type() {
  if constexpr (std::is_same_v<T, std::string>) {
    return H5::StrType(H5::PredType::C_S1, H5T_VARIABLE);
  } else if constexpr (std::is_same_v<T, std::int32_t>) {
    return H5::PredType::NATIVE_INT32;
  } else if constexpr (std::is_same_v<T, std::int64_t>) {
    return H5::PredType::NATIVE_INT64;
  } else {
    static_assert(std::is_same_v<T, double>);
    return H5::PredType::NATIVE_DOUBLE;
  }
}

void write_text_attribute(const H5::DataSet& dataset, const char* name, std::string_view text) {
  const H5::StrType type(H5::PredType::C_S1, H5T_VARIABLE);
  type.setCset(H5T_CSET_UTF8);
  const std::string value(text);
  dataset.createAttribute(name, type, H5::DataSpace(H5S_SCALAR)).write(type, value);
}

}  // namespace

void describe(const H5::DataSet& dataset, const ColumnSpec& column) {
  write_text_attribute(dataset, "unit", column.unit);
  write_text_attribute(dataset, "description", column.description);
}

template <typename T>
Hdf5Column<T>::Hdf5Column(const H5::Group& group, const ColumnSpec& column, bool omit_while_empty)
    : group_(group.openGroup(".")),  // a group of its own, even when `group` is the file's root
      name_(column.name),
      unit_(column.unit),
      description_(column.description),
      chunk_rows_(column.chunk_rows) {
  if (omit_while_empty && !std::is_same_v<T, std::string>)
    throw std::invalid_argument("Hdf5Column: only string columns may be omitted while empty");
  if (!omit_while_empty) create();
}

template <typename T>
Hdf5Column<T>::Hdf5Column(const H5::Group& group, const std::string& name, bool omit_while_empty)
    : Hdf5Column(group, ColumnSpec{name, "", "", 0}, omit_while_empty) {}

template <typename T>
void Hdf5Column<T>::create() {
  const hsize_t zero = 0;
  const hsize_t unlimited = H5S_UNLIMITED;
  constexpr bool is_string = std::is_same_v<T, std::string>;
  const hsize_t chunk = chunk_rows_ > 0 ? chunk_rows_ : is_string ? kStringChunkRows : kChunkRows;
  dataset_ = group_.createDataSet(name_, element_type<T>(), H5::DataSpace(1, &zero, &unlimited),
                                  dataset_props({chunk}, !is_string));
  if (!description_.empty()) describe(dataset_, {name_, unit_, description_, 0});
  created_ = true;
}

template <typename T>
void Hdf5Column<T>::append(const std::vector<T>& values) {
  if constexpr (std::is_same_v<T, std::string>) {
    std::vector<const char*> c_strings;
    c_strings.reserve(values.size());
    for (const std::string& v : values) c_strings.push_back(v.c_str());
    append(c_strings);
  } else {
    write(values.data(), values.size(), H5::DSetMemXferPropList::DEFAULT);
  }
}

template <typename T>
void Hdf5Column<T>::append(const std::vector<const char*>& values) {
  // Not a `requires` clause: clang 14 instantiates constrained members of an
  // explicit instantiation anyway (the fuzz build), so the check is here.
  if constexpr (!std::is_same_v<T, std::string>) {
    throw std::logic_error("C strings appended to a numeric HDF5 column");
  } else {
    if (values.empty()) return;
    if (!created_) {
      if (std::all_of(values.begin(), values.end(), [](const char* v) { return *v == '\0'; })) {
        rows_ += values.size();
        return;
      }
      // The first value: the rows before it become empty strings, a block at a time.
      const hsize_t before = std::exchange(rows_, 0);
      create();
      for (hsize_t done = 0; done < before; done += kChunkRows)
        append(std::vector<const char*>(std::min(kChunkRows, before - done), ""));
    }
    // HDF5 converts strings through buffers it zero-fills on every write (1 MiB
    // by default): size them to this block, or small appends cost 1 MiB each.
    H5::DSetMemXferPropList transfer;
    transfer.setBuffer(std::min<std::size_t>(values.size() * kStringBufferBytesPerRow, std::size_t{1} << 20), nullptr,
                       nullptr);
    write(values.data(), values.size(), transfer);
  }
}

template <typename T>
void Hdf5Column<T>::write(const void* values, hsize_t n, const H5::DSetMemXferPropList& transfer) {
  if (n == 0) return;
  const hsize_t rows = rows_ + n;
  dataset_.extend(&rows);
  H5::DataSpace file_space = dataset_.getSpace();
  file_space.selectHyperslab(H5S_SELECT_SET, &n, &rows_);
  const H5::DataSpace memory(1, &n);
  dataset_.write(values, element_type<T>(), memory, file_space, transfer);
  rows_ = rows;
}

template class Hdf5Column<std::int32_t>;
template class Hdf5Column<std::int64_t>;
template class Hdf5Column<double>;
template class Hdf5Column<std::string>;

}  // namespace coesim::io
