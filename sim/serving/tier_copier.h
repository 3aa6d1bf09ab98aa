#pragma once
// Copies between each device's slow tier and its fast tier: one flow per
// device over the route the platform declares for the host-link mode, all
// sharing the flow network max-min fairly. The one copier behind `coesim
// switch`, serving's expert loads and its KV-cache swaps, so the switch time
// `coesim switch` reports comes from the code serving runs.
#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "sim/hw/platform.h"
#include "sim/hw/platform_network.h"
#include "sim/kernel/flow_network.h"

namespace coesim::serving {

enum class CopyDirection { SlowToFast, FastToSlow };

// Shard `i` of `total` bytes split over `shards` devices: the first
// total % shards shards carry one byte more.
std::uint64_t split_shard_bytes(std::uint64_t total, int shards, int i);

class TierCopier {
 public:
  TierCopier(const hw::Platform& platform, const hw::PlatformNetwork& resources, FlowNetwork& network,
             std::string host_link_mode);

  // The route a shard takes to or from `device`'s fast tier, or null when the
  // platform declares none (it always declares slow -> fast).
  const hw::Route* route(int device, CopyDirection direction) const;

  // Starts a copy of bytes_of(i) bytes for each devices[i], in order; calls
  // on_shard(i, flow) as each lands and then on_done() once, when all have.
  void copy(std::span<const int> devices, CopyDirection direction,
            const std::function<std::uint64_t(std::size_t)>& bytes_of,
            std::function<void(std::size_t, const FlowRecord&)> on_shard, std::function<void()> on_done) const;

  const std::string& host_link_mode() const { return mode_; }

 private:
  const hw::Platform& platform_;
  const hw::PlatformNetwork& resources_;
  FlowNetwork& network_;
  std::string mode_;
};

}  // namespace coesim::serving
