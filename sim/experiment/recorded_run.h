#pragma once
// A run as its summary.json recorded it, for `coesim run --reproduce`: the
// resolved experiment, the command line that made it and its input files,
// each checked against the file as it is now (a rerun on changed inputs
// would not be the same run).
#include <filesystem>
#include <string>
#include <vector>

namespace coesim::experiment {

struct RecordedRun {
  std::string summary_file;
  std::string summary_text;     // the file's bytes, to compare a rerun with
  std::string experiment_file;  // as the original run named it
  std::string experiment_yaml;  // provenance.experiment_yaml
  std::string command_line;
  std::string coesim_version;
  std::vector<std::string> input_files;
};

// Throws config::ConfigError naming the summary file (line and field) when it
// is not a summary with provenance, or an input file that is missing or
// whose sha256 differs from the recorded one.
RecordedRun read_recorded_run(const std::filesystem::path& summary_file);

}  // namespace coesim::experiment
