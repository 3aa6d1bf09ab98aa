#pragma once
// A serving run as one HDF5 file, for plotting and analysis (h5py, pandas):
//   /requests/<column>       one row per request (times in s, -1 when never)
//   /tokens/{request,time_s} every output token's time (with record_token_times)
//   /switches/<column>       one row per expert copy
//   /timeseries/fast_tier    time_s, engine, used_bytes (per device of that engine, after each change)
//   /timeseries/link_utilisation  [resource, bucket] utilisation (attribute bucket_s)
//   /resources/<column>      name, bandwidth_bytes_per_s of every tier and link (per node)
//   /experts/<column>        per-expert requests, hits, switches, bytes moved
//   attribute `summary_json` on the root: the JSON summary `coesim run` prints
// Written to a temporary name and renamed, so a failed run leaves any earlier
// file intact.
#include <filesystem>
#include <string>

#include "sim/serving/serving_simulation.h"

namespace coesim::serving {

void write_results_hdf5(const std::filesystem::path& file, const ServingResult& result, const std::string& summary_json);

}  // namespace coesim::serving
