#pragma once
// The whole-simulation benchmark scenario, shared by the coesim and SimGrid
// programs so both simulate exactly the same inputs. It depends on nothing
// but the standard library (the SimGrid side does not link coesim), and it
// draws from its own splitmix64 so the inputs never change with a library.
//
// Defaults: 100 links of 1..8 GB/s, 1,000 flows starting uniformly over the
// first second, each crossing 1..4 distinct links with 0.5..1.5 GB. A link
// carries 25 flows on average (25 GB, ~5 s of work at 4.5 GB/s), so arrivals
// far outpace departures: several hundred flows are active at once.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "sim/kernel/split_mix64.h"

namespace coesim::bench {

struct ScenarioParams {
  std::uint64_t seed = 20261123;
  int links = 100;
  int flows = 1000;
  int max_hops = 4;
  std::int64_t start_window_ps = 1'000'000'000'000;  // 1 s
  double gbps_unit = 1e9;                            // capacity = unit x (1..8)
  int capacity_steps = 8;
  std::uint64_t min_bytes = 500'000'000;
  std::uint64_t max_bytes = 1'500'000'000;
};

struct ScenarioFlow {
  std::int64_t start_ps = 0;
  std::vector<std::uint32_t> path;  // distinct link indices
  std::uint64_t bytes = 0;
};

struct Scenario {
  std::vector<double> capacity_bytes_per_s;
  std::vector<ScenarioFlow> flows;
};

// Sebastiano Vigna's splitmix64: tiny, fast, and fixed forever.
using coesim::SplitMix64;

inline Scenario make_staggered_flows(const ScenarioParams& p = {}) {
  SplitMix64 rng(p.seed);
  Scenario s;
  for (int i = 0; i < p.links; ++i)
    s.capacity_bytes_per_s.push_back(p.gbps_unit * static_cast<double>(1 + rng.below(p.capacity_steps)));
  const auto links = static_cast<std::uint64_t>(p.links);
  const auto max_hops = static_cast<int>(std::min<std::uint64_t>(static_cast<std::uint64_t>(p.max_hops), links));
  for (int i = 0; i < p.flows; ++i) {
    ScenarioFlow f;
    f.start_ps = static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(p.start_window_ps)));
    const int hops = 1 + static_cast<int>(rng.below(static_cast<std::uint64_t>(max_hops)));
    while (static_cast<int>(f.path.size()) < hops) {
      const auto l = static_cast<std::uint32_t>(rng.below(links));
      if (std::find(f.path.begin(), f.path.end(), l) == f.path.end()) f.path.push_back(l);
    }
    f.bytes = p.min_bytes + rng.below(p.max_bytes - p.min_bytes + 1);
    s.flows.push_back(std::move(f));
  }
  return s;
}

}  // namespace coesim::bench
