#pragma once
// HDF5 1.10.8 reads a local heap's free list (where a group keeps its link
// names) until it meets the end marker, allocating a node per block: a
// corrupt list that loops takes all memory (fuzz find trace_h5/timeout-685c).
// coesim walks every local heap of a file first, with each step bounded.

#include <H5Cpp.h>

#include <optional>
#include <string>

#include "sim/io/hdf5_addressing.h"

namespace coesim::io {

// Why a local heap of `file` cannot be read, or nothing. Finds the heaps by
// their signature ("HEAP", version 0) and, for each whose data lies in the
// file, walks its free list: every block inside the data, of non-zero size,
// none visited twice. Reads the whole file once (a second per few GB).
std::optional<std::string> local_heap_problem(const std::string& file, const Hdf5Addressing& addressing);

// Throws ConfigError(file) with local_heap_problem's answer, if any; to be
// called on a file just opened, before any group or dataset is looked up.
void check_local_heaps(const H5::H5File& h5, const std::string& file);

}  // namespace coesim::io
