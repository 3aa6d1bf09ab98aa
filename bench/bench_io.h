#pragma once
// What the coesim and SimGrid bench programs share besides the scenario: the
// command-line options that reshape it, the per-flow completion-time file
// (one "index seconds" line per flow, full double precision) that the
// agreement test compares, and the one-line timing summary both print.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "bench/staggered_flows_scenario.h"

namespace coesim::bench {

// Consumes --seed=, --flows=, --links= (returns true if `arg` was one of them).
inline bool apply_scenario_arg(std::string_view arg, ScenarioParams& p) {
  const auto value = [&](std::string_view key, auto& out) {
    if (!arg.starts_with(key)) return false;
    out = static_cast<std::remove_reference_t<decltype(out)>>(std::stoull(std::string(arg.substr(key.size()))));
    return true;
  };
  return value("--seed=", p.seed) || value("--flows=", p.flows) || value("--links=", p.links);
}

// "l12", "h3": built by appending, which also avoids GCC 12's false
// -Wrestrict warning on `"l" + std::to_string(i)`.
inline std::string indexed_name(char prefix, std::size_t i) {
  std::string name(1, prefix);
  name += std::to_string(i);
  return name;
}

inline void write_completions(const std::string& path, const std::vector<double>& seconds) {
  std::ofstream out(path);
  if (!out) throw std::runtime_error("cannot write " + path);
  out << std::setprecision(std::numeric_limits<double>::max_digits10);
  for (std::size_t i = 0; i < seconds.size(); ++i) out << i << ' ' << seconds[i] << '\n';
  if (!out) throw std::runtime_error("failed writing " + path);
}

inline std::vector<double> read_completions(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::vector<double> seconds;
  std::size_t index = 0;
  double t = 0.0;
  while (in >> index >> t) {
    if (index != seconds.size()) throw std::runtime_error("unexpected flow index in " + path);
    seconds.push_back(t);
  }
  return seconds;
}

// Time-averaged and peak number of flows in flight, from starts and ends.
struct Concurrency {
  double mean = 0.0;
  std::size_t peak = 0;
  double makespan_s = 0.0;
};

inline Concurrency concurrency(const Scenario& s, const std::vector<double>& end_s) {
  std::vector<std::pair<double, int>> edges;
  double busy = 0.0;
  Concurrency c;
  for (std::size_t i = 0; i < s.flows.size(); ++i) {
    const double start = static_cast<double>(s.flows[i].start_ps) * 1e-12;
    edges.emplace_back(start, +1);
    edges.emplace_back(end_s[i], -1);
    busy += end_s[i] - start;
    c.makespan_s = std::max(c.makespan_s, end_s[i]);
  }
  std::sort(edges.begin(), edges.end());
  long active = 0;
  for (const auto& [t, d] : edges) c.peak = std::max<std::size_t>(c.peak, static_cast<std::size_t>(active += d));
  c.mean = c.makespan_s > 0.0 ? busy / c.makespan_s : 0.0;
  return c;
}

}  // namespace coesim::bench
