#pragma once
// Running one point of a sweep and reading back what a point left: its
// directory DIR/points/ID/ holds summary.json (the same file `coesim run`
// writes, made from the point's resolved experiment, so `coesim run
// --reproduce` reruns it) and, if asked, results.h5; or failed.json with the
// error. Each file is written atomically, so a point interrupted anywhere
// leaves either its complete files or none.
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "sim/experiment/sweep_spec.h"
#include "sim/experiment/sweep_table.h"

namespace coesim::cli {

std::filesystem::path point_dir(const std::filesystem::path& sweep_dir, const experiment::SweepPoint& point);

// Runs the point and writes its files; a failure (bad setting for this
// combination, a simulation error) is written to failed.json and returned,
// not thrown.
experiment::SweepOutcome run_sweep_point(const experiment::SweepSpec& sweep, const experiment::SweepPoint& point,
                                         const std::filesystem::path& sweep_dir);

// The sha256 of files, each hashed once per process.
class InputDigests {
 public:
  const std::string& sha256(const std::string& file);

 private:
  std::map<std::string, std::string> digests_;
};

// A point's summary.json when the point is finished: it exists, was made
// by this coesim version and every input it recorded is unchanged; else
// none, and it runs again (a failed point runs again too).
std::optional<nlohmann::json> finished_summary(const experiment::SweepPoint& point,
                                               const std::filesystem::path& sweep_dir, InputDigests& digests);

// What the point's files say: its summary, or its error ("not run" when none).
experiment::SweepOutcome read_point_outcome(const experiment::SweepPoint& point,
                                            const std::filesystem::path& sweep_dir);

}  // namespace coesim::cli
