#pragma once
// A serving run as one HDF5 file, for plotting and analysis (h5py, pandas),
// written as the run streams its final rows (ResultSink), so a replay of
// millions of requests never holds its tables:
//   /requests/<column>       one row per request, in id order (times in s, NaN when never;
//                            reject_reason only when some request was rejected)
//   /tokens/{request,time_s} every output token's time (only with record_token_times)
//   /batches/{start_s,end_s,request_count}  one row per router pass
//   /switches/<column>       one row per expert copy, in the order copies end
//   /kv_swaps/<column>       one row per KV cache copy: request, out (1 to the slow
//                            tier, 0 back), bytes_per_device, start_s, end_s
//   /timeseries/fast_tier    time_s, engine, used_bytes (per device of that engine, after each change)
//   /timeseries/link_utilisation  [resource, bucket] utilisation (attribute bucket_s)
//   /resources/<column>      name, bandwidth_bytes_per_s of every tier and link (per node)
//   /experts/<column>        per expert: name, requests, hits, switches, prefetches, evictions,
//                            bytes moved
//   attribute `summary_json` on the root: the JSON summary `coesim run` prints
// Every dataset carries string attributes `unit` and `description` (see
// io::ColumnSpec), declared where its table defines it.
// Row tables are 1-D columns that grow with each part. The file is written
// to a temporary name and renamed by finish(), so a failed run leaves any
// earlier file intact; identical runs give byte-identical files.
#include <filesystem>
#include <memory>
#include <string>

#include "sim/serving/result_sink.h"
#include "sim/serving/serving_simulation.h"

namespace coesim::serving {

class ResultsWriter final : public ResultSink {
 public:
  // Creates a temporary beside `file` with every table empty. HDF5 errors
  // here and in append / finish are config::UsageError naming `file`.
  explicit ResultsWriter(const std::filesystem::path& file);
  // Without finish(): removes the temporary file; an earlier `file` stays.
  ~ResultsWriter() override;

  // Appends every row of `part`. Throws std::logic_error, before writing
  // any row, when its link utilisation does not continue the previous
  // parts' buckets. A writer that threw is abandoned: destroy it.
  void append(const ServingResult& part) override;
  // Writes the whole-run tables (resources, experts, bucket_s) and the
  // summary, and moves the file into place. Its row vectors are not read.
  void finish(const ServingResult& whole_run, const std::string& summary_json);

 private:
  void append_rows(const ServingResult& part);
  void write_whole_run(const ServingResult& whole_run, const std::string& summary_json);

  struct Tables;
  std::filesystem::path file_;
  std::unique_ptr<Tables> tables_;
};

// A run held whole: ResultsWriter(file), one append, finish.
void write_results_hdf5(const std::filesystem::path& file, const ServingResult& result,
                        const std::string& summary_json);

}  // namespace coesim::serving
