#include "sim/serving/expert_switch.h"

#include <algorithm>
#include <map>
#include <stdexcept>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "sim/config/config_error.h"
#include "sim/hw/platform_network.h"
#include "sim/kernel/flow_network.h"
#include "sim/serving/tier_copier.h"

namespace coesim::serving {
namespace {

std::string resolve_mode(const hw::Platform& p, const std::string& asked) {
  if (asked.empty()) return p.default_host_link_mode;
  if (p.host_link_modes.empty())
    throw config::UsageError(
        fmt::format("platform '{}' has no host-link modes (its experts live in {})", p.name, p.serving.slow_tier));
  if (std::find(p.host_link_modes.begin(), p.host_link_modes.end(), asked) == p.host_link_modes.end())
    throw config::UsageError(fmt::format("platform '{}' has no host-link mode '{}' (it has: {})", p.name, asked,
                                         fmt::join(p.host_link_modes, ", ")));
  return asked;
}

[[noreturn]] void does_not_fit(const hw::MemoryTier& tier, const std::string& model, std::uint64_t need_bytes,
                               const std::string& what) {
  const config::Location& at = tier.capacity_location;
  throw config::ConfigError(at.file, at.line, at.column, at.field,
                            fmt::format("model '{}' does not fit: {} needs {} bytes but tier {} holds {} bytes", model,
                                        what, need_bytes, tier.name, tier.capacity_bytes));
}

}  // namespace

ExpertSwitchResult simulate_expert_switch(const hw::Platform& platform, const ExpertSwitchInput& input) {
  ExpertSwitchResult result;
  result.platform = platform.name;
  result.model = input.model_name;
  result.host_link_mode = resolve_mode(platform, input.host_link_mode);
  result.weight_bytes = input.weight_bytes;
  const std::vector<int> accelerators = platform.accelerators();
  const int tp = input.tensor_parallel > 0 ? input.tensor_parallel : platform.serving.tensor_parallel;
  if (tp > static_cast<int>(accelerators.size()))
    throw config::UsageError(fmt::format("tensor parallel degree {} exceeds the {} accelerators of '{}'", tp,
                                         accelerators.size(), platform.name));
  result.tensor_parallel = tp;

  Simulator sim;
  FlowNetwork network(sim);
  const hw::PlatformNetwork resources(platform, network);
  const TierCopier copier(platform, resources, network, result.host_link_mode);
  const std::vector<int> devices(accelerators.begin(), accelerators.begin() + tp);
  std::map<int, std::uint64_t> slow_tier_bytes;
  result.shards.resize(static_cast<size_t>(tp));
  for (int i = 0; i < tp; ++i) {
    const int device = devices[static_cast<size_t>(i)];
    const int from = platform.slow_tier_of(device);
    const hw::MemoryTier& fast = platform.tiers[static_cast<size_t>(platform.fast_tier_of(device))];
    ShardCopy& shard = result.shards[static_cast<size_t>(i)];
    shard.device = platform.devices[static_cast<size_t>(device)].name;
    shard.from_tier = platform.tiers[static_cast<size_t>(from)].name;
    shard.to_tier = fast.name;
    shard.bytes = split_shard_bytes(input.weight_bytes, tp, i);
    if (static_cast<double>(shard.bytes) > fast.capacity_bytes)
      does_not_fit(fast, input.model_name, shard.bytes, fmt::format("its TP={} shard", tp));
    slow_tier_bytes[from] += shard.bytes;
    spdlog::debug("switch {}: shard {} of {} bytes {} -> {}", input.model_name, i, shard.bytes, shard.from_tier,
                  shard.to_tier);
  }
  for (const auto& [tier, bytes] : slow_tier_bytes) {
    const hw::MemoryTier& slow = platform.tiers[static_cast<size_t>(tier)];
    if (static_cast<double>(bytes) > slow.capacity_bytes) does_not_fit(slow, input.model_name, bytes, "its weights");
  }
  copier.copy(
      devices, CopyDirection::SlowToFast, [&](std::size_t i) { return result.shards[i].bytes; },
      [&](std::size_t i, const FlowRecord& r) {
        result.shards[i].end_s = to_seconds(r.end_ps);
        result.shards[i].bottleneck = network.link_name(r.bottleneck);
      },
      {});
  sim.run();
  network.check_all_finished();
  spdlog::debug("switch {} on {}: {} events, {} re-shares", input.model_name, platform.name, sim.events_executed(),
                network.reshare_count());

  for (const ShardCopy& s : result.shards) result.switch_time_s = std::max(result.switch_time_s, s.end_s);
  result.achieved_bytes_per_s =
      result.switch_time_s > 0.0 ? static_cast<double>(input.weight_bytes) / result.switch_time_s : 0.0;

  const auto add_use = [&](LinkId id, std::string kind, std::string group) {
    const std::uint64_t bytes = network.link_bytes(id);
    if (bytes == 0) return;
    const double bw = network.link_bandwidth_bytes_per_s(id);
    const double util = result.switch_time_s > 0.0 ? static_cast<double>(bytes) / (bw * result.switch_time_s) : 0.0;
    result.resources.push_back(ResourceUse{network.link_name(id), std::move(kind), std::move(group), bw, bytes, util});
  };
  for (size_t t = 0; t < platform.tiers.size(); ++t)
    if (platform.tiers[t].bandwidth_bytes_per_s)
      add_use(resources.tier_resource(static_cast<int>(t)), "tier", platform.tiers[t].tier);
  for (size_t l = 0; l < platform.links.size(); ++l)
    add_use(resources.link_resource(static_cast<int>(l)), "link", platform.links[l].group);

  for (const ResourceUse& r : result.resources)
    if (result.bottleneck.name.empty() || r.utilisation > result.bottleneck.utilisation) result.bottleneck = r;
  for (const ResourceUse& r : result.resources)
    if (r.kind == result.bottleneck.kind && r.group == result.bottleneck.group &&
        r.utilisation >= result.bottleneck.utilisation * (1.0 - 1e-6))
      ++result.bottleneck_instances;
  return result;
}

}  // namespace coesim::serving
