#pragma once
// HDF5's own account of a failure. The C++ API's exception says only which
// call failed ("H5Dread failed"), and the library's error stack, which says
// why ("address of object past end of allocation"), is cleared by the next
// HDF5 call, e.g. a handle's destructor while the exception unwinds. So the
// innermost cause is recorded when the error happens, instead of printed.

#include <H5Cpp.h>

#include <string>

namespace coesim::io {

// Replaces HDF5's printing of errors to stderr with recording the innermost
// cause of the latest one. Call before HDF5 work (cheap, idempotent).
void record_hdf5_errors();

// "<what the C++ API says>: <innermost cause>", or the first part alone when
// no cause was recorded; the recorded cause is used up.
std::string hdf5_error_text(const H5::Exception& e);

}  // namespace coesim::io
