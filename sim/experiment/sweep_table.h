#pragma once
// A sweep's aggregated table: one row per point in sweep order, with its
// status, its swept settings (numbers in base units where the value is a
// number) and the summary figures a study plots, written as DIR/sweep.csv
// and DIR/sweep.h5 (one 1-D dataset per column, with unit and description).
// Rows come from the points' own files, never from who ran them, so the
// table is the same bytes serial, threaded or under MPI.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/experiment/sweep_spec.h"

namespace coesim::experiment {

struct SweepOutcome {
  std::optional<nlohmann::json> summary;  // the point's summary.json, when it ran
  std::string error;                      // why it failed, when it did
};

// Writes both files atomically into `dir`.
void write_sweep_table(const SweepSpec& sweep, const std::vector<SweepOutcome>& outcomes,
                       const std::filesystem::path& dir);

// The table's column names, in order (for readers and the help).
std::vector<std::string> sweep_table_columns(const SweepSpec& sweep);

}  // namespace coesim::experiment
