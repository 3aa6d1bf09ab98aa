#include "sim/cli/experiment_sets.h"

namespace coesim::cli {

experiment::ExperimentOverrides apply_sets(config::ConfigDoc& doc, const std::vector<std::string>& sets) {
  experiment::ExperimentOverrides below;
  for (const std::string& s : sets) experiment::add_override(doc, below, s);
  return below;
}

}  // namespace coesim::cli
