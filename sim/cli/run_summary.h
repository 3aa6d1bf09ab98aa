#pragma once
// One experiment run as `coesim run` makes it: the rows streamed to the
// summary (and to results.h5 when a directory is given), the notes a reader
// needs, and the summary JSON that summary.json holds. `run`, `sweep` and
// `search` share it, so a sweep point's summary.json is the one `coesim run`
// would write for the same resolved experiment (and `--reproduce` reruns it).
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "sim/config/input_files.h"
#include "sim/experiment/experiment.h"
#include "sim/serving/serving_simulation.h"
#include "sim/serving/timeline.h"

namespace coesim::cli {

struct RunRequest {
  const experiment::Experiment* experiment = nullptr;
  const config::InputFileLog* inputs = nullptr;  // the files read so far, hashed into the provenance
  std::string command_line;                      // how to make this run again
  std::filesystem::path results_h5;              // empty: none written
  serving::TimelineRecorder* timeline = nullptr;
  bool show_progress = false;  // on stderr, for runs longer than about a second
  bool warn = false;           // an overload warning on stderr too
};

struct RunOutput {
  serving::ServingResult result;
  nlohmann::json summary;    // what summary.json holds (no wall time: deterministic)
  std::string summary_text;  // its bytes
  double wall_s = 0;
};

// Runs the experiment; the results file (if any) is complete but not yet
// renamed into place: call `commit_results` once summary.json is written.
class ExperimentRun {
 public:
  explicit ExperimentRun(const RunRequest& request);
  ~ExperimentRun();
  ExperimentRun(const ExperimentRun&) = delete;
  ExperimentRun& operator=(const ExperimentRun&) = delete;
  const RunOutput& output() const { return output_; }
  void commit_results();

 private:
  struct Files;
  std::unique_ptr<Files> files_;
  RunOutput output_;
};

// {kind: events executed}: where the run's events went (arrivals, compute, flows, ...).
nlohmann::json events_by_kind(const serving::ServingResult& result);

}  // namespace coesim::cli
