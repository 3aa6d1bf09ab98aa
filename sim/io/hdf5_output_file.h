#pragma once
// An HDF5 file as coesim writes it: under a temporary name until commit()
// (a failed run leaves any earlier file intact), and with no object
// modification times, so two identical runs give byte-identical files.
// Groups and datasets in it are made with create_group and dataset_props.
#include <H5Cpp.h>

#include <filesystem>
#include <string>
#include <vector>

#include "sim/config/config_error.h"
#include "sim/io/hdf5_errors.h"
#include "sim/io/pending_file.h"

namespace coesim::io {

class Hdf5OutputFile {
 public:
  explicit Hdf5OutputFile(const std::filesystem::path& file);

  H5::Group& root() { return h5_; }
  // Closes the file and every group and dataset still open in it, then
  // renames it over `file`. Without commit() the temporary file is removed.
  void commit();

 private:
  PendingFile pending_;  // declared first: removes the temporary after h5_ closes it
  H5::H5File h5_;
};

// Runs `write`, turning an HDF5 error (a full disk, a failed write) into
// config::UsageError naming `file` (exit 2); H5::Exception is no
// std::exception, so unconverted it would end the process.
template <typename Write>
void hdf5_writing(const std::filesystem::path& file, Write&& write) {
  try {
    write();
  } catch (const H5::Exception& e) {
    throw config::UsageError("cannot write " + file.string() + ": HDF5: " + e.getFuncName() + ": " +
                             hdf5_error_text(e));
  }
}

// A group without a modification time.
H5::Group create_group(const H5::Group& parent, const std::string& name);

// Dataset creation properties without a modification time: chunked with
// `chunk` (one size per dimension) when given, deflate level 4 when `deflate`.
H5::DSetCreatPropList dataset_props(const std::vector<hsize_t>& chunk = {}, bool deflate = false);

}  // namespace coesim::io
