#pragma once
// What makes a serving setup unable to run, found before any engine starts.
// One check for both callers: the experiment loader reports a problem at the
// file and line of the setting it names, and the serving layer refuses the
// same setup built in code (config::UsageError).
#include <optional>
#include <string>

#include "sim/serving/serving_simulation.h"

namespace coesim::serving {

struct SetupProblem {
  std::string field;  // the experiment setting at fault, as a dotted path (memory.kv_preemption)
  std::string message;
};

// The first problem of `setup`, or none: a TP degree larger than the
// platform's accelerators, an offline eviction policy with several engines,
// a scheduler that cannot run on an execution model that times whole
// requests, KV swaps without a fast -> slow route.
std::optional<SetupProblem> setup_problem(const ServingSetup& setup);

}  // namespace coesim::serving
