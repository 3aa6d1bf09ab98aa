#pragma once
// Puts a Platform's bandwidth resources into a FlowNetwork: every tier with a
// bandwidth and every link instance becomes one resource, so copies over a
// route contend wherever they share a tier or a link.
#include <vector>

#include "sim/hw/platform.h"
#include "sim/kernel/flow_network.h"

namespace coesim::hw {

class PlatformNetwork {
 public:
  PlatformNetwork(const Platform& platform, FlowNetwork& network);

  // Resources a copy over `route` occupies: source tier, links, destination tier.
  std::vector<LinkId> path(const Route& route) const;
  LinkId tier_resource(int tier) const { return tier_resource_.at(static_cast<size_t>(tier)); }
  LinkId link_resource(int link) const { return link_resource_.at(static_cast<size_t>(link)); }
  // Every resource this platform put into the network (tiers with a bandwidth, then links).
  std::vector<LinkId> resources() const;

 private:
  std::vector<LinkId> tier_resource_;  // kNoLink for tiers without bandwidth
  std::vector<LinkId> link_resource_;
};

}  // namespace coesim::hw
