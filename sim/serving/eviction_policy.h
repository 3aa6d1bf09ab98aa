#pragma once
// Which resident expert leaves the fast tier when another must come in: a
// plug-in chosen by name in the experiment file. The engine tells the policy
// about every load and use, and asks it to pick among the experts it may
// evict (resident, not in use by a running step or a live KV cache).
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "sim/config/kind_registry.h"
#include "sim/kernel/time.h"

namespace coesim::serving {

class EvictionPolicy {
 public:
  virtual ~EvictionPolicy() = default;
  virtual std::string name() const = 0;
  virtual void on_load(int expert, TimePs now) = 0;
  // A request started running on the expert.
  virtual void on_use(int expert, TimePs now) = 0;
  virtual void on_evict(int expert) = 0;
  // One of `candidates` (non-empty, ascending), or -1 when the policy keeps them all.
  virtual int choose_victim(std::span<const int> candidates) const = 0;
  // Optional: an expert this policy never evicts (a pinned hot set). The
  // fast tier counts its bytes as taken for good, not as room eviction
  // could make, so schedulers' room checks and "can it ever fit" agree with
  // what eviction will do. By default every expert may be evicted.
  virtual bool keeps(int /*expert*/) const { return false; }
};

struct EvictionOptions {
  std::string policy = "lru";    // lru | lfu | fifo | pinned | belady
  std::vector<int> pinned;       // pinned: experts never evicted (the rest LRU)
  std::vector<int> future_uses;  // belady: the experts of all requests in service order (empty: run_serving
                                 // takes them from the requests, in arrival order)
};

// An eviction policy as the registry knows it.
struct EvictionPolicyKind {
  config::KindInfo info;  // settings: `pinned` where the policy reads it
  // Offline: needs every request's expert in service order up front
  // (EvictionOptions::future_uses), so it runs on one engine only.
  bool needs_future_uses = false;
  std::unique_ptr<EvictionPolicy> (*make)(const EvictionOptions&, int experts) = nullptr;
};

const config::KindRegistry<EvictionPolicyKind>& eviction_policy_registry();

// Throws std::invalid_argument for an unknown policy name.
std::unique_ptr<EvictionPolicy> make_eviction_policy(const EvictionOptions& options, int experts);

}  // namespace coesim::serving
