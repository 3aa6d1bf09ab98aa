// Kernel micro-benchmarks: event-queue hold model, flow-network re-share cost
// and the whole staggered-flows simulation that bench/simgrid_bench.cpp runs
// on SimGrid. `--dump=FILE` runs that simulation once instead, writes each
// flow's completion time and prints a timing line comparable with SimGrid's.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "bench/bench_io.h"
#include "bench/staggered_flows_scenario.h"
#include "sim/kernel/event_queue.h"
#include "sim/kernel/flow_network.h"
#include "sim/kernel/simulator.h"

namespace coesim::bench {
namespace {

constexpr TimePs kMeanIncrementPs = 1'000'000;  // 1 us

// Exponential increments drawn once: a log() per event would cost as much as
// the queue operation being measured. 64 Ki entries cycle without a visible
// pattern at a 10^5-event horizon.
class Increments {
 public:
  Increments() : table_(1u << 16) {
    SplitMix64 rng(7);
    for (TimePs& t : table_) {
      const double u = (static_cast<double>(rng.next() >> 11) + 0.5) * 0x1.0p-53;
      t = static_cast<TimePs>(-std::log(u) * static_cast<double>(kMeanIncrementPs));
    }
  }
  TimePs next() { return table_[i_++ & (table_.size() - 1)]; }

 private:
  std::vector<TimePs> table_;
  std::size_t i_ = 0;
};

// Hold model on the bare queue: N pending events (initial times drawn from the
// increment distribution), then pop the earliest and push one at its time +
// increment, so N stays constant. N = 10^5 is the headline; 10^3 (all in L1/L2)
// shows how much of the cost is cache misses.
void BM_EventQueueHold(benchmark::State& state) {
  Increments inc;
  EventQueue queue;
  for (std::int64_t i = 0; i < state.range(0); ++i) queue.push(inc.next(), 0, [] {});
  for (auto _ : state) {
    EventQueue::Popped e = queue.pop();
    queue.push(e.time + inc.next(), 0, std::move(e.callback));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EventQueueHold)->Arg(100'000)->Arg(1'000);

// The same hold model through Simulator: each event's callback schedules the
// next one, so the figure includes std::function dispatch and the trace hash.
struct HoldContext {
  Simulator sim;
  Increments inc;
};

struct Hold {
  HoldContext* ctx;
  void operator()() const { ctx->sim.schedule_in(ctx->inc.next(), Hold{ctx}); }
};

void BM_SimulatorHold(benchmark::State& state) {
  HoldContext ctx;
  for (std::int64_t i = 0; i < state.range(0); ++i) ctx.sim.schedule_at(ctx.inc.next(), Hold{&ctx});
  for (auto _ : state) ctx.sim.step();
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SimulatorHold)->Arg(100'000)->Arg(1'000);

// Cost of one re-share with N long flows over the scenario's links. The long
// flows carry 1 TB each: they outlast any run, yet their finish time stays
// inside the ~106-day range (FlowNetwork throws beyond it). Each iteration
// starts a small probe flow and runs it to completion, forcing one re-share
// at its start and one at its finish (settle() is called directly so the two
// never coalesce). Time per re-share = time / re-shares: it includes what
// surrounds a re-share in practice (advancing flows, rescheduling the
// completion event), i.e. what one flow start or finish costs.
constexpr std::uint64_t kLongFlowBytes = 1'000'000'000'000;

void BM_FlowReshare(benchmark::State& state) {
  ScenarioParams p;
  p.flows = static_cast<int>(state.range(0));
  p.links = static_cast<int>(state.range(1));
  const Scenario s = make_staggered_flows(p);
  Simulator sim;
  FlowNetwork net(sim);
  for (int l = 0; l < p.links; ++l) net.add_link(indexed_name('l', l), s.capacity_bytes_per_s[l]);
  for (const ScenarioFlow& f : s.flows) net.start({f.path.begin(), f.path.end()}, kLongFlowBytes);
  net.settle();
  const std::uint64_t reshares_before = net.reshare_count();
  std::size_t k = 0;
  bool done = false;
  for (auto _ : state) {
    const ScenarioFlow& probe = s.flows[k++ % s.flows.size()];
    done = false;
    net.start({probe.path.begin(), probe.path.end()}, 1000, [&done](const FlowRecord&) { done = true; });
    net.settle();
    while (!done) sim.step();
    net.settle();
  }
  const auto reshares = static_cast<double>(net.reshare_count() - reshares_before);
  state.SetItemsProcessed(static_cast<std::int64_t>(reshares));
  state.counters["reshares_per_iter"] = reshares / static_cast<double>(state.iterations());
  using benchmark::Counter;
  state.counters["s_per_reshare"] = Counter(reshares, Counter::kIsRate | Counter::kInvert);
  state.counters["active_flows"] = static_cast<double>(net.active_flow_count());
}
BENCHMARK(BM_FlowReshare)->Args({100, 100})->Args({1000, 100})->Args({10000, 100})->Unit(benchmark::kMicrosecond);

struct RunStats {
  std::vector<double> end_s;
  std::uint64_t reshares = 0;
  std::uint64_t events = 0;
  double build_s = 0.0;
  double run_s = 0.0;
};

// Builds the network, schedules every flow's start, runs to the end.
RunStats run_staggered_flows(const Scenario& s) {
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  RunStats out;
  out.end_s.assign(s.flows.size(), 0.0);
  Simulator sim;
  FlowNetwork net(sim);
  for (std::size_t l = 0; l < s.capacity_bytes_per_s.size(); ++l)
    net.add_link(indexed_name('l', l), s.capacity_bytes_per_s[l]);
  for (std::size_t i = 0; i < s.flows.size(); ++i) {
    sim.schedule_at(s.flows[i].start_ps, [&net, &s, &out, i] {
      const ScenarioFlow& f = s.flows[i];
      net.start({f.path.begin(), f.path.end()}, f.bytes,
                [&out, i](const FlowRecord& r) { out.end_s[i] = to_seconds(r.end_ps); });
    });
  }
  const auto t1 = Clock::now();
  sim.run();
  const auto t2 = Clock::now();
  out.reshares = net.reshare_count();
  out.events = sim.events_executed();
  out.build_s = std::chrono::duration<double>(t1 - t0).count();
  out.run_s = std::chrono::duration<double>(t2 - t1).count();
  return out;
}

void BM_StaggeredFlows(benchmark::State& state) {
  ScenarioParams p;
  p.flows = static_cast<int>(state.range(0));
  const Scenario s = make_staggered_flows(p);
  RunStats last;
  for (auto _ : state) {
    last = run_staggered_flows(s);
    benchmark::DoNotOptimize(last.end_s.data());
  }
  state.SetItemsProcessed(state.iterations() * p.flows);
  state.counters["reshares"] = static_cast<double>(last.reshares);
  state.counters["events"] = static_cast<double>(last.events);
}
BENCHMARK(BM_StaggeredFlows)->Arg(1000)->Unit(benchmark::kMillisecond);

int dump(const std::string& path, const ScenarioParams& p) {
  const Scenario s = make_staggered_flows(p);
  const RunStats r = run_staggered_flows(s);
  write_completions(path, r.end_s);
  const Concurrency c = concurrency(s, r.end_s);
  std::printf(
      "coesim flows=%d links=%d build_s=%.6f run_s=%.6f reshares=%llu events=%llu makespan_s=%.6f "
      "peak_active=%zu mean_active=%.1f\n",
      p.flows, p.links, r.build_s, r.run_s, static_cast<unsigned long long>(r.reshares),
      static_cast<unsigned long long>(r.events), c.makespan_s, c.peak, c.mean);
  return 0;
}

}  // namespace
}  // namespace coesim::bench

int main(int argc, char** argv) {
  coesim::bench::ScenarioParams params;
  std::string dump_path;
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    if (std::strncmp(argv[i], "--dump=", 7) == 0) {
      dump_path = argv[i] + 7;
    } else if (i == 0 || !coesim::bench::apply_scenario_arg(argv[i], params)) {
      rest.push_back(argv[i]);
    }
  }
  if (!dump_path.empty()) return coesim::bench::dump(dump_path, params);
  int rest_argc = static_cast<int>(rest.size());
  benchmark::Initialize(&rest_argc, rest.data());
  if (benchmark::ReportUnrecognizedArguments(rest_argc, rest.data())) return 2;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
