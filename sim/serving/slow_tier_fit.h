#pragma once
// Whether the experts fit the slow tier they are copied from. A run does not
// model the slow tier's capacity otherwise (experts are simply there), so a
// setup that could not hold them, e.g. 1,000 7B experts in a DGX's 2 TB of
// host DRAM, is said in the run's notes rather than passed over in silence.
#include <optional>
#include <string>

#include "sim/serving/serving_simulation.h"

namespace coesim::serving {

// A warning naming the tier, what the experts of its fullest node need and
// what it holds; none when they fit.
std::optional<std::string> slow_tier_overflow(const ServingSetup& setup, int tensor_parallel);

}  // namespace coesim::serving
