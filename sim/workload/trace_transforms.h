#pragma once
// Streaming transforms of native traces: a time window, rate scaling
// (inter-arrival times divided by a factor), seeded Bernoulli sampling and
// concatenation (each next trace shifted to start after the previous one
// ends). Each reads its input once, in order, and writes as it goes.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <vector>

#include "sim/workload/trace_file.h"

namespace coesim::workload {

struct TransformOptions {
  std::optional<double> window_start_s;  // keep arrivals in [start, end), shifted to start at 0
  std::optional<double> window_end_s;
  double rate_scale = 1.0;  // > 1 compresses time (more requests per second)
  double sample = 1.0;      // keep each request with this probability
  std::uint64_t seed = 1;
};

// Returns the number of records written. Throws std::invalid_argument for
// bad options (scale <= 0, sample outside (0, 1], empty window).
std::int64_t transform_trace(const std::filesystem::path& in, const TransformOptions& o, TraceWriter& out);

// Appends traces one after another; `gap_s` separates the end of one from
// the start of the next.
std::int64_t concatenate_traces(const std::vector<std::filesystem::path>& in, double gap_s, TraceWriter& out);

}  // namespace coesim::workload
