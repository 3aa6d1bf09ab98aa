#include "sim/io/hdf5_addressing.h"

#include "sim/config/config_error.h"

namespace coesim::io {

Hdf5Addressing addressing_of(hid_t object, const std::string& file, const std::string& field) {
  Hdf5Addressing a;
  const hid_t file_id = H5Iget_file_id(object);
  const hid_t fcpl = file_id < 0 ? -1 : H5Fget_create_plist(file_id);
  hsize_t user_block_bytes = 0;
  const bool ok = fcpl >= 0 && H5Pget_sizes(fcpl, &a.offset_bytes, &a.length_bytes) >= 0 &&
                  H5Pget_userblock(fcpl, &user_block_bytes) >= 0;
  if (fcpl >= 0) H5Pclose(fcpl);
  if (file_id >= 0) H5Fclose(file_id);
  if (!ok) throw config::ConfigError(file, 0, 0, field, "cannot read the file's address sizes");
  a.base_address = user_block_bytes;
  return a;
}

}  // namespace coesim::io
