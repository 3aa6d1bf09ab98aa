#include "sim/experiment/design_search.h"

#include <fmt/format.h>

#include "sim/config/config_error.h"

namespace coesim::experiment {
namespace {

// Why `p` misses the SLO, or empty.
std::string why_not(const DesignPoint& p, const LatencySlo& slo) {
  if (!p.ran) return "did not run";
  if (p.rejected > 0) return fmt::format("{} requests rejected", p.rejected);
  const std::vector<std::string> misses = latency_misses(slo, p.ttft_p99_s, p.tpot_p99_s);
  return misses.empty() ? "" : misses.front();
}

// a is at least as good as b on all three (cost and p99 TTFT lower, fast
// tier larger) and better on one.
bool dominates(const DesignPoint& a, const DesignPoint& b) {
  const double ta = *a.ttft_p99_s, tb = *b.ttft_p99_s;
  const double ca = a.fast_tier_capacity_bytes_per_device, cb = b.fast_tier_capacity_bytes_per_device;
  return a.cost <= b.cost && ta <= tb && ca >= cb && (a.cost < b.cost || ta < tb || ca > cb);
}

}  // namespace

DesignResult search_design(const SweepSpec& sweep, const std::vector<SweepOutcome>& outcomes, const LatencySlo& slo) {
  if (!sweep.cost)
    throw config::UsageError(
        fmt::format("{}: design search needs a `cost` section (the cost proxy and its sources)", sweep.file));
  DesignResult r;
  for (std::size_t i = 0; i < sweep.points.size(); ++i) {
    DesignPoint p;
    p.point = i;
    p.cost = point_cost(sweep, sweep.points[i]);
    if (const auto& f = outcomes[i].figures) {
      p.ran = true;
      p.ttft_p99_s = f->metric("ttft_p99_s");
      p.tpot_p99_s = f->metric("tpot_p99_s");
      p.rejected = static_cast<std::int64_t>(f->metric("rejected").value_or(0));
      p.fast_tier_capacity_bytes_per_device = f->fast_tier_capacity_bytes_per_device;
    }
    p.why_not = why_not(p, slo);
    p.meets = p.why_not.empty();
    r.points.push_back(std::move(p));
  }
  for (DesignPoint& p : r.points) {
    if (!p.ran || !p.ttft_p99_s) continue;
    p.on_front = true;
    for (const DesignPoint& q : r.points)
      if (q.ran && q.ttft_p99_s && dominates(q, p)) p.on_front = false;
  }
  for (std::size_t i = 0; i < r.points.size(); ++i) {
    const DesignPoint& p = r.points[i];
    if (!p.meets) continue;
    if (!r.cheapest) {
      r.cheapest = i;
      continue;
    }
    const DesignPoint& best = r.points[*r.cheapest];
    if (p.cost < best.cost || (p.cost == best.cost && *p.ttft_p99_s < *best.ttft_p99_s)) r.cheapest = i;
  }
  return r;
}

}  // namespace coesim::experiment
