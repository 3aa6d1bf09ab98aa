#pragma once
// Design search over a sweep: among the points (platform variants at the
// load the sweep sets), the cheapest one meeting a latency SLO, by the
// sweep's declared cost proxy, and the Pareto front of cost, p99 time to
// first token and fast-tier capacity per device (no point on it is beaten on
// all three by another: cheaper or as cheap, as fast or faster, as much
// memory or more, and strictly better on one). A
// point meets the SLO when it ran, rejected no request, and its p99 TTFT
// (and p99 TPOT, if bounded) is within the bounds.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/experiment/latency_slo.h"
#include "sim/experiment/sweep_spec.h"
#include "sim/experiment/sweep_table.h"

namespace coesim::experiment {

struct DesignPoint {
  std::size_t point = 0;  // index into the sweep's points
  double cost = 0;
  bool ran = false;
  std::optional<double> ttft_p99_s, tpot_p99_s;  // none: no sample
  std::int64_t rejected = 0;
  double fast_tier_capacity_bytes_per_device = 0;
  bool meets = false;
  std::string why_not;  // empty when it meets the SLO
  bool on_front = false;
};

struct DesignResult {
  std::vector<DesignPoint> points;      // in sweep order
  std::optional<std::size_t> cheapest;  // into points: the cheapest meeting the SLO (ties: lower p99 TTFT, then order)
};

// Throws config::UsageError when the sweep declares no cost.
DesignResult search_design(const SweepSpec& sweep, const std::vector<SweepOutcome>& outcomes, const LatencySlo& slo);

}  // namespace coesim::experiment
