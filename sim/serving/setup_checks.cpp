#include "sim/serving/setup_checks.h"

#include <fmt/format.h>

#include "sim/serving/execution.h"

namespace coesim::serving {

std::optional<SetupProblem> setup_problem(const ServingSetup& s) {
  const hw::Platform& p = *s.platform;
  const int tp = s.tensor_parallel > 0 ? s.tensor_parallel : p.serving.tensor_parallel;
  const std::vector<int> accelerators = p.accelerators();
  const int per_node = static_cast<int>(accelerators.size()) / tp;
  if (per_node < 1)
    return SetupProblem{"tensor_parallel",
                        fmt::format("TP{} exceeds the {} accelerators of '{}'", tp, accelerators.size(), p.name)};
  if (s.nodes * per_node > 1 && eviction_policy_registry().at(s.eviction.policy).needs_future_uses)
    return SetupProblem{"residency.policy",
                        fmt::format("{} needs the future request sequence of one engine; with {} engines it is not "
                                    "known in advance",
                                    s.eviction.policy, s.nodes * per_node)};
  if (times_whole_requests(p) && !scheduler_registry().at(s.scheduler.kind).runs_whole_requests) {
    std::vector<std::string> whole;
    for (const SchedulerKind& k : scheduler_registry().entries())
      if (k.runs_whole_requests) whole.push_back(k.info.name);
    return SetupProblem{"scheduler.kind",
                        fmt::format("platform '{}' times whole requests ({}); only the {} schedulers run requests "
                                    "whole, not {}",
                                    p.name, p.serving.execution_model, fmt::join(whole, " and "), s.scheduler.kind)};
  }
  if (s.kv_preemption == KvPreemption::Swap) {
    const std::string& mode = p.host_link_mode_or_default(s.host_link_mode);
    for (const int d : accelerators)
      if (p.route(p.fast_tier_of(d), p.slow_tier_of(d), mode) == nullptr)
        return SetupProblem{"memory.kv_preemption",
                            fmt::format("kv_preemption swap needs a route from {} to {} on platform '{}' (the "
                                        "platform declares none)",
                                        p.fast_tier_name(d), p.slow_tier_name(d), p.name)};
  }
  return std::nullopt;
}

}  // namespace coesim::serving
