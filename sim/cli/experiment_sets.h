#pragma once
// `--set` on an experiment (run, search): an experiment field is set in its
// document now; platform.PATH and model.PATH go to the platform and expert
// model files, applied as the experiment loads them (after its own
// platform_set / model_set).
#include <string>
#include <vector>

#include "sim/config/config_doc.h"
#include "sim/experiment/experiment.h"

namespace coesim::cli {

experiment::ExperimentOverrides apply_sets(config::ConfigDoc& doc, const std::vector<std::string>& sets);

}  // namespace coesim::cli
