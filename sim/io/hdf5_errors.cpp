#include "sim/io/hdf5_errors.h"

namespace coesim::io {
namespace {

thread_local std::string latest_cause;

// Its description, or the name of its kind ("Bad value") when it has none.
herr_t keep_innermost(unsigned n, const H5E_error2_t* error, void* found) {
  if (n != 0) return 0;
  std::string cause = error->desc != nullptr ? error->desc : "";
  if (cause.empty()) {
    char minor[256] = {};
    if (H5Eget_msg(error->min_num, nullptr, minor, sizeof minor) > 0) cause = minor;
  }
  *static_cast<std::string*>(found) = cause;
  return 0;
}

herr_t record(hid_t stack, void*) {
  std::string cause;
  H5Ewalk2(stack, H5E_WALK_UPWARD, keep_innermost, &cause);
  latest_cause = cause;
  return 0;
}

}  // namespace

void record_hdf5_errors() {
  latest_cause.clear();
  H5Eset_auto2(H5E_DEFAULT, record, nullptr);
}

std::string hdf5_error_text(const H5::Exception& e) {
  const std::string what = e.getDetailMsg();
  std::string cause;
  cause.swap(latest_cause);  // used once: a later error must not repeat it
  return cause.empty() || cause == what ? what : what + ": " + cause;
}

}  // namespace coesim::io
