#include "sim/serving/slow_tier_fit.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "sim/llm/model_size.h"

namespace coesim::serving {

std::optional<std::string> slow_tier_overflow(const ServingSetup& s, int tp) {
  const hw::Platform& p = *s.platform;
  const std::vector<int> accelerators = p.accelerators();
  const std::size_t groups = accelerators.size() / static_cast<std::size_t>(tp);
  // Per slow tier: the most devices of one TP group that copy from it. A
  // tier each device owns holds a 1/TP shard of every expert; one the group
  // shares (host DRAM) holds whole experts.
  std::map<int, int> share;
  for (std::size_t g = 0; g < groups; ++g) {
    std::map<int, int> in_group;
    for (std::size_t k = g * static_cast<std::size_t>(tp); k < (g + 1) * static_cast<std::size_t>(tp); ++k)
      ++in_group[p.slow_tier_of(accelerators[k])];
    for (const auto& [tier, n] : in_group) share[tier] = std::max(share[tier], n);
  }
  // The node holding the most expert bytes: every node holds all of them,
  // or under partitioned placement those with e mod nodes == its index.
  const int holders = s.placement == Placement::Partitioned ? s.nodes : 1;
  std::vector<double> node_bytes(static_cast<std::size_t>(holders), 0.0);
  for (std::size_t e = 0; e < s.expert_models.size(); ++e)
    node_bytes[e % node_bytes.size()] += static_cast<double>(llm::weight_bytes(*s.expert_models[e]));
  const double bytes = *std::max_element(node_bytes.begin(), node_bytes.end());
  for (const auto& [tier, n] : share) {
    const double need = bytes * n / tp;
    const double capacity = p.tiers[static_cast<std::size_t>(tier)].capacity_bytes;
    if (need > capacity) {
      const auto device = std::find_if(accelerators.begin(), accelerators.end(),
                                       [&, t = tier](int d) { return p.slow_tier_of(d) == t; });
      return fmt::format(
          "warning: the experts{} need {:.3g} TB of {} (on '{}') and it holds {:.3g} TB: the platform could not keep "
          "them all; this run assumes it does (more nodes with placement partitioned, or fewer experts, would fit)",
          holders > 1 ? " of the fullest node" : "", need / 1e12, p.slow_tier_name(*device), p.name, capacity / 1e12);
    }
  }
  return std::nullopt;
}

}  // namespace coesim::serving
