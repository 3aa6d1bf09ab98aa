#include "sim/hw/platform_network.h"

#include <stdexcept>

namespace coesim::hw {

PlatformNetwork::PlatformNetwork(const Platform& platform, FlowNetwork& network) {
  for (const MemoryTier& t : platform.tiers) {
    tier_resource_.push_back(t.bandwidth_bytes_per_s
                                 ? network.add_link(t.name, *t.bandwidth_bytes_per_s, seconds_to_ps_round(t.latency_s))
                                 : kNoLink);
  }
  for (const Link& l : platform.links)
    link_resource_.push_back(network.add_link(l.name, l.bandwidth_bytes_per_s, seconds_to_ps_round(l.latency_s)));
}

std::vector<LinkId> PlatformNetwork::path(const Route& route) const {
  std::vector<LinkId> out;
  out.push_back(tier_resource(route.from_tier));
  for (const int l : route.links) out.push_back(link_resource(l));
  out.push_back(tier_resource(route.to_tier));
  for (const LinkId id : out)
    if (id == kNoLink) throw std::logic_error("route endpoint without bandwidth");
  return out;
}

std::vector<LinkId> PlatformNetwork::resources() const {
  std::vector<LinkId> out;
  for (const LinkId id : tier_resource_)
    if (id != kNoLink) out.push_back(id);
  out.insert(out.end(), link_resource_.begin(), link_resource_.end());
  return out;
}

}  // namespace coesim::hw
