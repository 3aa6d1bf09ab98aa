#include "sim/serving/tier_copier.h"

#include <memory>
#include <stdexcept>
#include <utility>

namespace coesim::serving {

std::uint64_t split_shard_bytes(std::uint64_t total, int shards, int i) {
  const auto n = static_cast<std::uint64_t>(shards);
  return total / n + (static_cast<std::uint64_t>(i) < total % n ? 1 : 0);
}

TierCopier::TierCopier(const hw::Platform& platform, const hw::PlatformNetwork& resources, FlowNetwork& network,
                       std::string host_link_mode)
    : platform_(platform), resources_(resources), network_(network), mode_(std::move(host_link_mode)) {}

const hw::Route* TierCopier::route(int device, CopyDirection direction) const {
  const int slow = platform_.slow_tier_of(device);
  const int fast = platform_.fast_tier_of(device);
  return direction == CopyDirection::SlowToFast ? platform_.route(slow, fast, mode_)
                                                : platform_.route(fast, slow, mode_);
}

void TierCopier::copy(std::span<const int> devices, CopyDirection direction,
                      const std::function<std::uint64_t(std::size_t)>& bytes_of,
                      std::function<void(std::size_t, const FlowRecord&)> on_shard,
                      std::function<void()> on_done) const {
  struct Pending {
    std::size_t shards;
    std::function<void(std::size_t, const FlowRecord&)> on_shard;
    std::function<void()> on_done;
  };
  auto pending = std::make_shared<Pending>(Pending{devices.size(), std::move(on_shard), std::move(on_done)});
  for (std::size_t i = 0; i < devices.size(); ++i) {
    const hw::Route* r = route(devices[i], direction);
    if (r == nullptr)
      throw std::logic_error("copy between tiers without a route (the platform was validated without one)");
    network_.start(resources_.path(*r), bytes_of(i), [pending, i](const FlowRecord& flow) {
      if (pending->on_shard) pending->on_shard(i, flow);
      if (--pending->shards == 0 && pending->on_done) pending->on_done();
    });
  }
}

}  // namespace coesim::serving
