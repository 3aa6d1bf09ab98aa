#pragma once
// What made a result (every result says so): the coesim version, the command
// line, the experiment and platform as resolved (files merged, extends and
// every --set applied) and the sha256 of every input file the run read.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/config/input_files.h"
#include "sim/experiment/experiment.h"

namespace coesim::experiment {

struct InputFile {
  std::string file;
  std::string sha256;
  std::uintmax_t bytes = 0;
};

struct Provenance {
  std::string coesim_version;
  std::string command_line;
  std::string experiment_yaml;
  std::string platform_yaml;
  std::vector<InputFile> inputs;  // sorted by path
};

// `git describe` of the source tree the binary was built from.
std::string coesim_version();

// Hashes every file `log` recorded.
Provenance provenance_of(const Experiment& experiment, const config::InputFileLog& log, std::string command_line);

nlohmann::json to_json(const Provenance& provenance);

}  // namespace coesim::experiment
