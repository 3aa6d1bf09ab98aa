// The shipped eviction policies. Ties always go to the lowest expert index,
// so runs are deterministic.
#include <algorithm>
#include <deque>
#include <limits>
#include <stdexcept>

#include "sim/serving/eviction_policy.h"

namespace coesim::serving {
namespace {

// Evicts the candidate with the smallest key (then the lowest index).
template <typename Key>
int smallest(std::span<const int> candidates, Key key) {
  int best = -1;
  for (const int c : candidates)
    if (best < 0 || key(c) < key(best)) best = c;
  return best;
}

class Lru : public EvictionPolicy {
 public:
  explicit Lru(int experts) : last_use_(static_cast<std::size_t>(experts), -1) {}
  std::string name() const override { return "lru"; }
  void on_load(int expert, TimePs now) override { last_use_[static_cast<std::size_t>(expert)] = now; }
  void on_use(int expert, TimePs now) override { last_use_[static_cast<std::size_t>(expert)] = now; }
  void on_evict(int) override {}
  int choose_victim(std::span<const int> candidates) const override {
    return smallest(candidates, [this](int e) { return last_use_[static_cast<std::size_t>(e)]; });
  }

 protected:
  std::vector<TimePs> last_use_;
};

// Fewest uses since loaded; ties to the least recently used.
class Lfu : public Lru {
 public:
  explicit Lfu(int experts) : Lru(experts), uses_(static_cast<std::size_t>(experts), 0) {}
  std::string name() const override { return "lfu"; }
  void on_load(int expert, TimePs now) override {
    Lru::on_load(expert, now);
    uses_[static_cast<std::size_t>(expert)] = 0;
  }
  void on_use(int expert, TimePs now) override {
    Lru::on_use(expert, now);
    ++uses_[static_cast<std::size_t>(expert)];
  }
  int choose_victim(std::span<const int> candidates) const override {
    return smallest(candidates, [this](int e) {
      return std::pair(uses_[static_cast<std::size_t>(e)], last_use_[static_cast<std::size_t>(e)]);
    });
  }

 private:
  std::vector<std::int64_t> uses_;
};

class Fifo : public EvictionPolicy {
 public:
  explicit Fifo(int experts) : loaded_(static_cast<std::size_t>(experts), -1) {}
  std::string name() const override { return "fifo"; }
  void on_load(int expert, TimePs now) override { loaded_[static_cast<std::size_t>(expert)] = now; }
  void on_use(int, TimePs) override {}
  void on_evict(int) override {}
  int choose_victim(std::span<const int> candidates) const override {
    return smallest(candidates, [this](int e) { return loaded_[static_cast<std::size_t>(e)]; });
  }

 private:
  std::vector<TimePs> loaded_;
};

// A hot set that never leaves; the others are LRU.
class Pinned : public Lru {
 public:
  Pinned(int experts, const std::vector<int>& pinned)
      : Lru(experts), pinned_(static_cast<std::size_t>(experts), false) {
    for (const int e : pinned) pinned_.at(static_cast<std::size_t>(e)) = true;
  }
  std::string name() const override { return "pinned"; }
  bool keeps(int expert) const override { return pinned_[static_cast<std::size_t>(expert)]; }
  int choose_victim(std::span<const int> candidates) const override {
    std::vector<int> free;
    for (const int c : candidates)
      if (!keeps(c)) free.push_back(c);
    return free.empty() ? -1 : Lru::choose_victim(free);
  }

 private:
  std::vector<bool> pinned_;
};

// Belady's offline optimum: evict the expert whose next use is farthest in
// the future (never used again first). With equal-size experts and one
// expert needed at a time it minimises the number of switches, so it is a
// lower bound for the online policies.
class Belady : public EvictionPolicy {
 public:
  Belady(int experts, const std::vector<int>& future) : next_uses_(static_cast<std::size_t>(experts)) {
    for (std::size_t i = 0; i < future.size(); ++i) next_uses_.at(static_cast<std::size_t>(future[i])).push_back(i);
  }
  std::string name() const override { return "belady"; }
  void on_load(int, TimePs) override {}
  void on_use(int expert, TimePs) override {
    auto& q = next_uses_[static_cast<std::size_t>(expert)];
    if (!q.empty()) q.pop_front();
  }
  void on_evict(int) override {}
  int choose_victim(std::span<const int> candidates) const override {
    return smallest(candidates, [this](int e) {
      const auto& q = next_uses_[static_cast<std::size_t>(e)];
      // Negated so that the farthest (or no) next use is the smallest key.
      return q.empty() ? std::numeric_limits<std::int64_t>::min() : -static_cast<std::int64_t>(q.front());
    });
  }

 private:
  std::vector<std::deque<std::size_t>> next_uses_;
};

}  // namespace

template <typename Policy>
std::unique_ptr<EvictionPolicy> make_online(const EvictionOptions&, int experts) {
  return std::make_unique<Policy>(experts);
}

const config::KindRegistry<EvictionPolicyKind>& eviction_policy_registry() {
  static const config::KindRegistry<EvictionPolicyKind> registry(
      "eviction policy", "policy",
      {{{"lru", "least recently used (the paper's)", {}}, false, make_online<Lru>},
       {{"lfu", "fewest uses since loaded", {}}, false, make_online<Lfu>},
       {{"fifo", "first loaded", {}}, false, make_online<Fifo>},
       {{"pinned", "a hot set never evicted, LRU for the rest", {"pinned"}},
        false,
        [](const EvictionOptions& o, int experts) -> std::unique_ptr<EvictionPolicy> {
          return std::make_unique<Pinned>(experts, o.pinned);
        }},
       {{"belady", "offline optimum (farthest next use), a lower bound on switches", {}},
        true,
        [](const EvictionOptions& o, int experts) -> std::unique_ptr<EvictionPolicy> {
          return std::make_unique<Belady>(experts, o.future_uses);
        }}});
  return registry;
}

std::unique_ptr<EvictionPolicy> make_eviction_policy(const EvictionOptions& o, int experts) {
  return eviction_policy_registry().at(o.policy).make(o, experts);
}

}  // namespace coesim::serving
