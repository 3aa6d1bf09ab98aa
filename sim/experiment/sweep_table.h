#pragma once
// A sweep's aggregated table: one row per point in sweep order, with its
// status, its swept settings (numbers in base units where the value is a
// number) and the summary figures a study plots, written as DIR/sweep.csv
// and DIR/sweep.h5 (one 1-D dataset per column, with unit and description).
// Rows come from each point's summary (in memory where this process ran or
// resumed it, else read back from its file: the same numbers, as JSON keeps
// doubles exact), never from who ran it, so the table is the same bytes
// serial, threaded or under MPI.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/experiment/sweep_spec.h"

namespace coesim::experiment {

// What the table and design search keep of a finished point's summary.json:
// its figures, not the document, so a sweep of 100k points holds 100k small
// rows and the worker that ran a point extracts them, not the table's writer.
struct PointFigures {
  std::vector<std::optional<double>> metrics;  // in the table's figure-column order; none: no sample
  std::string trace_hash;
  double fast_tier_capacity_bytes_per_device = 0;

  // The figure of a table column (e.g. "ttft_p99_s"); throws std::logic_error for an unknown one.
  std::optional<double> metric(std::string_view column) const;
};

// The figures of a summary.json; one it lacks (an older layout) is none.
PointFigures point_figures(const nlohmann::json& summary);

struct SweepOutcome {
  std::optional<PointFigures> figures;  // when the point ran
  std::string error;                    // why it failed, when it did
};

// Writes both files atomically into `dir`.
void write_sweep_table(const SweepSpec& sweep, const std::vector<SweepOutcome>& outcomes,
                       const std::filesystem::path& dir);

// The table's column names, in order (for readers and the help).
std::vector<std::string> sweep_table_columns(const SweepSpec& sweep);

}  // namespace coesim::experiment
