#include "sim/cli/experiment_sets.h"

#include <string_view>

namespace coesim::cli {

experiment::ExperimentOverrides apply_sets(config::ConfigDoc& doc, const std::vector<std::string>& sets) {
  experiment::ExperimentOverrides below;
  for (const std::string& s : sets) {
    if (s.starts_with("platform."))
      below.platform.push_back(s.substr(std::string_view("platform.").size()));
    else if (s.starts_with("model."))
      below.model.push_back(s.substr(std::string_view("model.").size()));
    else
      doc.set_from_text(s);
  }
  return below;
}

}  // namespace coesim::cli
