#include <algorithm>
#include <cstdint>
#include <map>
#include <vector>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "sim/kernel/flow_network.h"
#include "sim/kernel/simulator.h"

namespace coesim {
namespace {

constexpr TimePs kSecond = kPsPerSecond;

struct Harness {
  Simulator sim;
  FlowNetwork net{sim};
  std::map<int, FlowRecord> done;

  FlowId start(int tag, std::vector<LinkId> path, std::uint64_t bytes) {
    return net.start(std::move(path), bytes, [this, tag](const FlowRecord& r) { done[tag] = r; });
  }
  void start_at(TimePs t, int tag, std::vector<LinkId> path, std::uint64_t bytes) {
    sim.schedule_at(t, [this, tag, path, bytes] { start(tag, path, bytes); });
  }
};

TEST(FlowNetwork, OneFlowAloneTakesBytesOverBandwidth) {
  Harness h;
  const LinkId l = h.net.add_link("l", 1e9);
  const FlowId f = h.start(0, {l}, 1'000'000'000);
  EXPECT_DOUBLE_EQ(h.net.flow_rate_bytes_per_s(f), 1e9);
  EXPECT_EQ(h.net.flow_bottleneck(f), l);
  h.sim.run();
  EXPECT_EQ(h.done.at(0).end_ps, 1 * kSecond);
  EXPECT_EQ(h.net.link_bytes(l), 1'000'000'000u);
}

TEST(FlowNetwork, TwoFlowsShareALinkEqually) {
  Harness h;
  const LinkId l = h.net.add_link("l", 1e9);
  const FlowId a = h.start(0, {l}, 1'000'000'000);
  const FlowId b = h.start(1, {l}, 1'000'000'000);
  EXPECT_DOUBLE_EQ(h.net.flow_rate_bytes_per_s(a), 0.5e9);
  EXPECT_DOUBLE_EQ(h.net.flow_rate_bytes_per_s(b), 0.5e9);
  h.sim.run();
  EXPECT_EQ(h.done.at(0).end_ps, 2 * kSecond);
  EXPECT_EQ(h.done.at(1).end_ps, 2 * kSecond);
}

TEST(FlowNetwork, FlowBottleneckedElsewhereLeavesItsShareToOthers) {
  Harness h;
  const LinkId shared = h.net.add_link("shared", 1e9);
  const LinkId narrow = h.net.add_link("narrow", 0.25e9);
  const FlowId slow = h.start(0, {shared, narrow}, 250'000'000);
  const FlowId fast = h.start(1, {shared}, 750'000'000);
  EXPECT_DOUBLE_EQ(h.net.flow_rate_bytes_per_s(slow), 0.25e9);
  EXPECT_DOUBLE_EQ(h.net.flow_rate_bytes_per_s(fast), 0.75e9);
  EXPECT_EQ(h.net.flow_bottleneck(slow), narrow);
  EXPECT_EQ(h.net.flow_bottleneck(fast), shared);
  h.sim.run();
  EXPECT_EQ(h.done.at(0).end_ps, 1 * kSecond);
  EXPECT_EQ(h.done.at(1).end_ps, 1 * kSecond);
}

TEST(FlowNetwork, StaggeredArrivalsReshareOnStartAndFinish) {
  // 0-0.5 s: A alone moves 0.5 GB. Then A and B at 0.5 GB/s each: A ends at
  // 1.5 s; B has 0.5 GB left and runs alone at 1 GB/s until 2.0 s.
  Harness h;
  const LinkId l = h.net.add_link("l", 1e9);
  h.start_at(0, 0, {l}, 1'000'000'000);
  h.start_at(kSecond / 2, 1, {l}, 1'000'000'000);
  h.sim.run();
  EXPECT_EQ(h.done.at(0).end_ps, 3 * kSecond / 2);
  EXPECT_EQ(h.done.at(1).end_ps, 2 * kSecond);
  EXPECT_EQ(h.net.link_bytes(l), 2'000'000'000u);
}

TEST(FlowNetwork, PathLatencyElapsesBeforeBytesMove) {
  Harness h;
  const LinkId a = h.net.add_link("a", 1e9, 1'000'000);  // 1 us
  const LinkId b = h.net.add_link("b", 2e9, 2'000'000);  // 2 us
  h.start(0, {a, b}, 1'000'000);
  h.start(1, {a}, 0);
  h.sim.run();
  EXPECT_EQ(h.done.at(0).start_ps, 3'000'000);
  EXPECT_EQ(h.done.at(0).end_ps, 3'000'000 + kSecond / 1000);
  EXPECT_EQ(h.done.at(1).end_ps, 1'000'000);
}

TEST(FlowNetwork, CallbacksMayStartNewFlows) {
  Harness h;
  const LinkId l = h.net.add_link("l", 1e9);
  h.net.start({l}, 500'000'000, [&](const FlowRecord&) { h.start(1, {l}, 500'000'000); });
  h.sim.run();
  EXPECT_EQ(h.done.at(1).end_ps, kSecond);
}

TEST(FlowNetwork, AFlowBeyondTheTimeRangeDoesNotStopTheOthers) {
  // 2^53 bytes at 1 byte/s would take ~285 million years: it never finishes
  // within int64 picoseconds, but the simulation still runs the other flow.
  Harness h;
  const LinkId slow = h.net.add_link("slow", 1.0);
  const LinkId fast = h.net.add_link("fast", 1e9);
  h.start(0, {slow}, std::uint64_t{1} << 53);
  h.start(1, {fast}, 1'000'000'000);
  h.sim.run();
  EXPECT_EQ(h.done.at(1).end_ps, kSecond);
  EXPECT_FALSE(h.done.contains(0));
  EXPECT_EQ(h.net.unfinished_flow_count(), 1u);
}

TEST(FlowNetwork, IdleLinksReportNoLoad) {
  Harness h;
  const LinkId l = h.net.add_link("l", 1e9);
  h.start(0, {l}, 1000);
  EXPECT_DOUBLE_EQ(h.net.link_load_bytes_per_s(l), 1e9);
  h.sim.run();
  EXPECT_DOUBLE_EQ(h.net.link_load_bytes_per_s(l), 0.0);
}

TEST(FlowNetwork, RejectsBadLinksAndPaths) {
  Simulator sim;
  FlowNetwork net(sim);
  EXPECT_THROW(net.add_link("zero", 0.0), std::invalid_argument);
  EXPECT_THROW(net.add_link("negative", -1.0), std::invalid_argument);
  const LinkId l = net.add_link("l", 1.0);
  EXPECT_THROW(net.start({l, l}, 10), std::invalid_argument);
  EXPECT_THROW(net.start({}, 10), std::logic_error);
  EXPECT_THROW(net.start({l + 1}, 10), std::logic_error);
}

// A reproducible pseudo-random scenario: `links` links, `flows` flows with
// paths of 1-4 links and staggered starts.
struct Scenario {
  std::vector<double> capacity;
  struct F {
    TimePs start;
    std::vector<LinkId> path;
    std::uint64_t bytes;
  };
  std::vector<F> flows;
};

Scenario make_scenario(std::uint64_t seed, int links, int flows) {
  std::uint64_t s = seed;
  const auto next = [&s] {
    s = hash_combine(s, 0x1234567ULL);
    return s;
  };
  Scenario sc;
  for (int i = 0; i < links; ++i) sc.capacity.push_back(1e8 * static_cast<double>(1 + next() % 100));
  for (int i = 0; i < flows; ++i) {
    Scenario::F f;
    f.start = static_cast<TimePs>(next() % (kSecond / 10));
    const int hops = 1 + static_cast<int>(next() % 4);
    while (static_cast<int>(f.path.size()) < hops) {
      const LinkId l = static_cast<LinkId>(next() % static_cast<std::uint64_t>(links));
      if (std::find(f.path.begin(), f.path.end(), l) == f.path.end()) f.path.push_back(l);
    }
    f.bytes = 1 + next() % 100'000'000;
    sc.flows.push_back(std::move(f));
  }
  return sc;
}

struct RunResult {
  std::vector<TimePs> end_ps;
  std::vector<std::uint64_t> link_bytes;
  std::uint64_t trace_hash;
};

RunResult run_scenario(const Scenario& sc) {
  Harness h;
  for (size_t i = 0; i < sc.capacity.size(); ++i) h.net.add_link("l" + std::to_string(i), sc.capacity[i]);
  for (size_t i = 0; i < sc.flows.size(); ++i)
    h.start_at(sc.flows[i].start, static_cast<int>(i), sc.flows[i].path, sc.flows[i].bytes);
  h.sim.run();
  RunResult r;
  for (size_t i = 0; i < sc.flows.size(); ++i) r.end_ps.push_back(h.done.at(static_cast<int>(i)).end_ps);
  for (size_t l = 0; l < sc.capacity.size(); ++l) r.link_bytes.push_back(h.net.link_bytes(static_cast<LinkId>(l)));
  r.trace_hash = h.sim.trace_hash();
  return r;
}

TEST(FlowNetwork, BytesAreConservedExactlyOnEveryLink) {
  const Scenario sc = make_scenario(7, 20, 300);
  const RunResult r = run_scenario(sc);
  std::vector<std::uint64_t> expected(sc.capacity.size(), 0);
  for (const auto& f : sc.flows)
    for (const LinkId l : f.path) expected[l] += f.bytes;
  EXPECT_EQ(r.link_bytes, expected);
}

TEST(FlowNetwork, SameScenarioTwiceGivesIdenticalTrace) {
  const Scenario sc = make_scenario(11, 30, 400);
  const RunResult a = run_scenario(sc);
  const RunResult b = run_scenario(sc);
  EXPECT_EQ(a.trace_hash, b.trace_hash);
  EXPECT_EQ(a.end_ps, b.end_ps);
  const RunResult other = run_scenario(make_scenario(12, 30, 400));
  EXPECT_NE(a.trace_hash, other.trace_hash);
}

TEST(FlowNetwork, EveryFlowMovesAtMostItsSizeWhileRunning) {
  const Scenario sc = make_scenario(3, 10, 100);
  Harness h;
  for (size_t i = 0; i < sc.capacity.size(); ++i) h.net.add_link("l" + std::to_string(i), sc.capacity[i]);
  std::vector<FlowId> ids(sc.flows.size());
  for (size_t i = 0; i < sc.flows.size(); ++i)
    h.sim.schedule_at(sc.flows[i].start,
                      [&, i] { ids[i] = h.start(static_cast<int>(i), sc.flows[i].path, sc.flows[i].bytes); });
  for (TimePs t = kSecond / 100; t < kSecond; t += kSecond / 100) {
    h.sim.run_until(t);
    for (size_t i = 0; i < ids.size(); ++i) {
      if (!h.net.running(ids[i])) continue;
      const double left = h.net.flow_remaining_bytes(ids[i]);
      EXPECT_GE(left, 0.0);
      EXPECT_LE(left, static_cast<double>(sc.flows[i].bytes));
    }
  }
}

// Property: at every re-share, no link carries more than its capacity and
// every running flow crosses a saturated link on which no flow is faster
// (the max-min fairness condition). Checked here independently of the
// network's own invariant checker.
RC_GTEST_PROP(FlowNetworkProperty, MaxMinFairAndWithinCapacity, ()) {
  const int links = *rc::gen::inRange(1, 12);
  const int flows = *rc::gen::inRange(1, 40);
  Simulator sim;
  FlowNetwork net(sim);
  std::vector<double> cap;
  for (int i = 0; i < links; ++i) {
    cap.push_back(1e6 * *rc::gen::inRange(1, 1000));
    net.add_link("l" + std::to_string(i), cap.back());
  }
  std::vector<FlowId> ids;
  std::vector<std::vector<LinkId>> paths;
  for (int i = 0; i < flows; ++i) {
    std::vector<LinkId> path;
    for (int l = 0; l < links; ++l)
      if (*rc::gen::inRange(0, 3) == 0) path.push_back(static_cast<LinkId>(l));
    if (path.empty()) path.push_back(static_cast<LinkId>(*rc::gen::inRange(0, links)));
    const auto bytes = static_cast<std::uint64_t>(*rc::gen::inRange(1, 1'000'000'000));
    paths.push_back(path);
    const TimePs at = *rc::gen::inRange<TimePs>(0, kSecond);
    ids.emplace_back();
    sim.schedule_at(at, [&net, &ids, i, path, bytes] { ids[static_cast<size_t>(i)] = net.start(path, bytes); });
  }
  while (sim.step()) {
    net.settle();
    std::vector<double> load(static_cast<size_t>(links), 0.0);
    std::vector<double> fastest(static_cast<size_t>(links), 0.0);
    std::vector<int> running;
    for (int i = 0; i < flows; ++i) {
      if (!net.running(ids[static_cast<size_t>(i)])) continue;
      const double rate = net.flow_rate_bytes_per_s(ids[static_cast<size_t>(i)]);
      if (rate == 0.0) continue;  // still in its latency phase
      running.push_back(i);
      for (const LinkId l : paths[static_cast<size_t>(i)]) {
        load[l] += rate;
        fastest[l] = std::max(fastest[l], rate);
      }
    }
    for (int l = 0; l < links; ++l) RC_ASSERT(load[static_cast<size_t>(l)] <= cap[static_cast<size_t>(l)] * (1 + 1e-9));
    for (const int i : running) {
      const double rate = net.flow_rate_bytes_per_s(ids[static_cast<size_t>(i)]);
      bool bottlenecked = false;
      for (const LinkId l : paths[static_cast<size_t>(i)])
        bottlenecked = bottlenecked || (load[l] >= cap[l] * (1 - 1e-9) && rate >= fastest[l] * (1 - 1e-9));
      RC_ASSERT(bottlenecked);
    }
  }
  RC_ASSERT(net.unfinished_flow_count() == 0u);
}

}  // namespace
}  // namespace coesim
