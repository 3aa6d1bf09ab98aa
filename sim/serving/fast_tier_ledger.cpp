#include "sim/serving/fast_tier_ledger.h"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "sim/kernel/invariants.h"
#include "sim/serving/serving_simulation.h"

namespace coesim::serving {

FastTierLedger::FastTierLedger(std::vector<double> shard_bytes, double capacity_bytes, int engine,
                               ServingResult& result, EvictionPolicy& policy)
    : shard_bytes_(std::move(shard_bytes)),
      capacity_bytes_(capacity_bytes),
      engine_(engine),
      result_(result),
      policy_(policy),
      residency_(shard_bytes_.size(), Residency::Absent),
      active_requests_(shard_bytes_.size(), 0) {}

void FastTierLedger::reserve_static(double bytes, TimePs now_ps) {
  charge(bytes, now_ps);
  static_bytes_ = bytes;
}

std::vector<int> FastTierLedger::idle_experts(const std::vector<int>& keep) const {
  std::vector<int> out;
  for (std::size_t e = 0; e < residency_.size(); ++e)
    if (idle(e) && std::find(keep.begin(), keep.end(), static_cast<int>(e)) == keep.end())
      out.push_back(static_cast<int>(e));
  return out;
}

void FastTierLedger::set_expert(int expert, Residency residency, int active_delta) {
  const auto e = static_cast<std::size_t>(expert);
  if (idle(e)) idle_bytes_ -= shard_bytes_[e];
  residency_[e] = residency;
  active_requests_[e] += active_delta;
  if (idle(e)) idle_bytes_ += shard_bytes_[e];
  if (invariants_enabled()) {
    double recount = 0;
    for (const int i : idle_experts({})) recount += shard_bytes(i);
    if (recount != idle_bytes_)
      throw std::logic_error(fmt::format("idle expert bytes {} but {} recounted", idle_bytes_, recount));
  }
}

double FastTierLedger::kept_bytes(int except) const {
  double bytes = 0;
  for (std::size_t e = 0; e < residency_.size(); ++e)
    if (static_cast<int>(e) != except && residency_[e] != Residency::Absent && policy_.keeps(static_cast<int>(e)))
      bytes += shard_bytes_[e];
  return bytes;
}

bool FastTierLedger::make_room(double bytes, const std::vector<int>& keep, TimePs now_ps) {
  while (free_bytes() < bytes) {
    const std::vector<int> candidates = idle_experts(keep);
    if (candidates.empty()) return false;
    const int victim = policy_.choose_victim(candidates);
    if (victim < 0) return false;
    set_expert(victim, Residency::Absent, 0);
    release(shard_bytes(victim), now_ps);
    policy_.on_evict(victim);
    ++result_.experts[static_cast<std::size_t>(victim)].evictions;
    ++evictions_;
  }
  return true;
}

void FastTierLedger::sample_occupancy(TimePs at_ps) {
  auto& series = result_.occupancy;
  if (!series.empty() && series.back().time_ps == at_ps && series.back().engine == engine_) {
    series.back().used_bytes = used_bytes_;
  } else {
    series.push_back({at_ps, engine_, used_bytes_});
  }
}

void FastTierLedger::charge(double bytes, TimePs at_ps) {
  used_bytes_ += bytes;
  sample_occupancy(at_ps);
  result_.peak_fast_tier_used_bytes_per_device = std::max(result_.peak_fast_tier_used_bytes_per_device, used_bytes_);
  if (invariants_enabled() && used_bytes_ > capacity_bytes_ * (1 + 1e-12))
    throw std::logic_error(fmt::format("fast tier over capacity: {} of {} bytes", used_bytes_, capacity_bytes_));
}

void FastTierLedger::release(double bytes, TimePs now_ps) {
  used_bytes_ -= bytes;
  sample_occupancy(now_ps);
}

double FastTierLedger::kv_held(std::int64_t request) const {
  const auto it = kv_held_.find(request);
  return it == kv_held_.end() ? 0.0 : it->second;
}

bool FastTierLedger::grow_kv(std::int64_t request, int expert, double need_bytes, TimePs now_ps) {
  const double held = kv_held(request);
  if (need_bytes <= held) return true;
  const Residency r = residency(expert);
  if (held == 0.0) set_expert(expert, r, +1);
  if (free_bytes() < need_bytes - held && !make_room(need_bytes - held, {expert}, now_ps)) {
    if (held == 0.0) set_expert(expert, r, -1);
    return false;
  }
  charge(need_bytes - held, now_ps);
  kv_held_[request] = need_bytes;
  return true;
}

void FastTierLedger::release_kv(std::int64_t request, int expert, TimePs now_ps) {
  const auto it = kv_held_.find(request);
  if (it == kv_held_.end()) return;
  release(it->second, now_ps);
  kv_held_.erase(it);
  set_expert(expert, residency(expert), -1);
}

}  // namespace coesim::serving
