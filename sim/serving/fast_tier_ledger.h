#pragma once
// One engine's fast tier, per device: what it holds (router and workspace,
// experts resident or arriving, requests' KV caches), what is free, and
// which experts eviction may take. Every byte charged or released goes
// through here, so capacity is checked and occupancy sampled in one place.
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "sim/kernel/time.h"
#include "sim/serving/eviction_policy.h"

namespace coesim::serving {

struct ServingResult;

enum class Residency { Absent, Loading, Resident };

class FastTierLedger {
 public:
  // `shard_bytes`: each expert's bytes per device (whole bytes, so sums are
  // exact). Occupancy samples, the peak and evictions go to `result` under
  // engine `engine`; `policy` chooses what to evict.
  FastTierLedger(std::vector<double> shard_bytes, double capacity_bytes, int engine, ServingResult& result,
                 EvictionPolicy& policy);

  double capacity_bytes() const { return capacity_bytes_; }
  // A runtime that holds part of the tier back (its KV memory setting).
  void limit_capacity(double usable_bytes) { capacity_bytes_ = usable_bytes; }
  double free_bytes() const { return capacity_bytes_ - used_bytes_; }
  // Router weights and workspace: held for the whole run.
  void reserve_static(double bytes, TimePs now_ps);
  double static_bytes() const { return static_bytes_; }

  double shard_bytes(int expert) const { return shard_bytes_[static_cast<std::size_t>(expert)]; }
  Residency residency(int expert) const { return residency_[static_cast<std::size_t>(expert)]; }
  // Resident, no request holds KV on it, and the policy does not keep it
  // for good: eviction may take it.
  bool idle(int expert) const { return idle(static_cast<std::size_t>(expert)); }
  // Bytes of the idle experts: what eviction could free.
  double idle_bytes() const { return idle_bytes_; }
  // Every change of an expert's residency or of the requests holding KV on
  // it goes through here, keeping idle_bytes() a running sum.
  void set_expert(int expert, Residency residency, int active_delta);
  // Bytes of experts other than `except` that are resident or arriving and
  // that the policy never evicts.
  double kept_bytes(int except) const;
  // Fits beside router, workspace and the kept experts with every other
  // expert evicted.
  bool fits_ever(int expert, double kv_bytes) const {
    return static_bytes_ + kept_bytes(expert) + shard_bytes(expert) + kv_bytes <= capacity_bytes_;
  }
  // Evicts idle resident experts (never those in `keep`), as the policy
  // chooses, until `bytes` are free; false when it cannot.
  bool make_room(double bytes, const std::vector<int>& keep, TimePs now_ps);
  std::int64_t evictions() const { return evictions_; }

  // `at_ps` later than now only for KV blocks a decode run charges ahead.
  void charge(double bytes, TimePs at_ps);
  void release(double bytes, TimePs now_ps);

  // KV caches, by request id: the bytes per device each holds.
  double kv_held(std::int64_t request) const;
  const std::unordered_map<std::int64_t, double>& kv_holders() const { return kv_held_; }
  // Grows the request's KV cache on `expert` to `need_bytes`, evicting idle
  // experts other than `expert` if needed; false (nothing changed) when it
  // cannot fit.
  bool grow_kv(std::int64_t request, int expert, double need_bytes, TimePs now_ps);
  // The bytes a decode run has charged ahead for the request's cache.
  void set_kv_held(std::int64_t request, double bytes) { kv_held_[request] = bytes; }
  void release_kv(std::int64_t request, int expert, TimePs now_ps);

 private:
  bool idle(std::size_t expert) const {
    return residency_[expert] == Residency::Resident && active_requests_[expert] == 0 &&
           !policy_.keeps(static_cast<int>(expert));
  }
  std::vector<int> idle_experts(const std::vector<int>& keep) const;
  void sample_occupancy(TimePs at_ps);

  std::vector<double> shard_bytes_;
  double capacity_bytes_;
  int engine_;
  ServingResult& result_;
  EvictionPolicy& policy_;
  double used_bytes_ = 0;
  double static_bytes_ = 0;
  double idle_bytes_ = 0;
  std::int64_t evictions_ = 0;
  std::vector<Residency> residency_;
  std::vector<int> active_requests_;  // holding KV on the expert: it cannot be evicted
  std::unordered_map<std::int64_t, double> kv_held_;
};

}  // namespace coesim::serving
