#pragma once
// A table of an HDF5 file (a group of 1-D columns, one row per Row) declared
// once, as a list of fields: each column's name, unit, description, element
// type and getter stand together, so none can be written without the others.
#include <H5Cpp.h>

#include <cstdint>
#include <span>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "sim/io/hdf5_column.h"
#include "sim/io/hdf5_output_file.h"

namespace coesim::io {

// One column of a table of Rows. The getter's return type is the column's
// element type: std::int32_t, std::int64_t, double, or const std::string&
// (a string of the row, written without a copy). Write a captureless lambda
// with that return type, e.g.
//   {{"start_s", "s", "the copy started"}, [](const SwitchRecord& s) -> double { return to_seconds(s.start_ps); }}
// A column with no unit or description ({"name"}) gets no attributes.
template <typename Row>
struct RowField {
  template <typename T>
  using Get = T (*)(const Row&);

  ColumnSpec column;
  std::variant<Get<std::int32_t>, Get<std::int64_t>, Get<double>, Get<const std::string&>> get;
  bool omit_while_empty = false;  // strings only: see Hdf5Column
};

inline constexpr bool kOmitWhileEmpty = true;  // a RowField's omit_while_empty, by name

// The table's columns, appended a block of rows at a time so that no writer
// holds a whole table.
template <typename Row>
class RowTable {
 public:
  // Creates group `name` in `parent` and in it the columns, in the order of
  // `fields` (those omitted while empty only once a value is not empty).
  RowTable(const H5::Group& parent, const std::string& name, std::span<const RowField<Row>> fields)
      : RowTable(create_group(parent, name), fields) {}

  // Appends `rows` to every column, in the order of the fields.
  void append(const std::vector<Row>& rows) {
    for (auto& column : columns_) std::visit([&](auto& c) { c.append(rows); }, column);
  }

  // A table written whole: each column is created just before its rows are
  // written, so the file is laid out as with one Hdf5Column after another.
  static void write(const H5::Group& parent, const std::string& name, std::span<const RowField<Row>> fields,
                    const std::vector<Row>& rows) {
    const H5::Group group = create_group(parent, name);
    for (const RowField<Row>& field : fields) RowTable(group, {&field, 1}).append(rows);
  }

 private:
  // T: as RowField's getters return it.
  template <typename T>
  struct Column {
    static constexpr bool kString = std::is_same_v<T, const std::string&>;

    T (*get)(const Row&);
    Hdf5Column<std::remove_cvref_t<T>> data;

    void append(const std::vector<Row>& rows) {
      std::vector<std::conditional_t<kString, const char*, T>> values;
      values.reserve(rows.size());
      for (const Row& r : rows) {
        if constexpr (kString) {
          values.push_back(get(r).c_str());
        } else {
          values.push_back(get(r));
        }
      }
      data.append(values);
    }
  };

  RowTable(const H5::Group& group, std::span<const RowField<Row>> fields) {
    columns_.reserve(fields.size());
    for (const RowField<Row>& f : fields)
      std::visit(
          [&]<typename T>(T (*get)(const Row&)) {
            columns_.emplace_back(Column<T>{get, {group, f.column, f.omit_while_empty}});
          },
          f.get);
  }

  std::vector<std::variant<Column<std::int32_t>, Column<std::int64_t>, Column<double>, Column<const std::string&>>>
      columns_;
};

}  // namespace coesim::io
