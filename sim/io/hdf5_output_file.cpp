#include "sim/io/hdf5_output_file.h"

#include <fmt/format.h>

#include "sim/config/config_error.h"

namespace coesim::io {
namespace {

// Closing the file closes the objects still open in it, so commit() never
// renames a file that a live dataset handle would still write to.
H5::FileAccPropList strong_close() {
  H5::FileAccPropList fapl;
  fapl.setFcloseDegree(H5F_CLOSE_STRONG);
  return fapl;
}

// The unique temporary, created (empty) by PendingFile, opened by HDF5.
H5::H5File create(const PendingFile& pending) {
  record_hdf5_errors();  // errors are reported once, as UsageError
  try {
    return H5::H5File(pending.tmp().string(), H5F_ACC_TRUNC, H5::FileCreatPropList::DEFAULT, strong_close());
  } catch (const H5::Exception& e) {
    throw config::UsageError(fmt::format("cannot write {}: HDF5: {}", pending.file().string(), hdf5_error_text(e)));
  }
}

}  // namespace

Hdf5OutputFile::Hdf5OutputFile(const std::filesystem::path& file) : pending_(file), h5_(create(pending_)) {}

void Hdf5OutputFile::commit() {
  try {
    h5_.close();
  } catch (const H5::Exception& e) {
    throw config::UsageError(
        fmt::format("cannot write {}: HDF5: {} (disk full?)", pending_.file().string(), hdf5_error_text(e)));
  }
  pending_.commit();
}

H5::Group create_group(const H5::Group& parent, const std::string& name) {
  // The C++ API (1.10) has no group creation property list class.
  const H5::PropList gcpl(H5P_GROUP_CREATE);
  H5Pset_obj_track_times(gcpl.getId(), false);
  const hid_t id = H5Gcreate2(parent.getId(), name.c_str(), H5P_DEFAULT, gcpl.getId(), H5P_DEFAULT);
  if (id < 0) throw H5::GroupIException("create_group", "cannot create group " + name);
  H5::Group group(id);  // takes a reference of its own
  H5Gclose(id);
  return group;
}

H5::DSetCreatPropList dataset_props(const std::vector<hsize_t>& chunk, bool deflate) {
  H5::DSetCreatPropList props;
  H5Pset_obj_track_times(props.getId(), false);
  if (!chunk.empty()) props.setChunk(static_cast<int>(chunk.size()), chunk.data());
  if (deflate) {
    props.setShuffle();  // byte planes first: doubles and integers compress better and faster
    props.setDeflate(1);
  }
  return props;
}

}  // namespace coesim::io
