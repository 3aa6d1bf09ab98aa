// Prototype behind the event-queue proposal in README.md: the same hold model
// as BM_EventQueueHold, on (a) std::priority_queue of bare 16-byte keys, the
// best a binary heap does here, and (b) a radix heap on the time key, with
// 24-byte entries like EventQueue's. Simulated time never goes back, so a
// radix heap applies: an entry sits in the bucket of the highest bit where its
// time differs from the last popped time, and moves down at most 64 times.
// Equal-time entries (bucket 0) are sorted by (priority, sequence) on refill;
// a real version must also insert a same-time push in order (a small heap).
// It first checks the pop order against std::priority_queue over 5 M holds
// with many equal times, then runs the benchmarks.
//
//   g++ -std=c++20 -O3 -DNDEBUG -I. results/kernel-bench/radix_hold_prototype.cpp -lbenchmark -lpthread -o /tmp/rh
//   /tmp/rh
#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <queue>
#include <vector>

#include "bench/staggered_flows_scenario.h"

namespace {

struct Entry {
  std::int64_t time;
  std::uint64_t order;  // priority and sequence, packed as in EventQueue
  std::uint32_t slot;
  std::uint32_t generation;
};

struct Later {
  bool operator()(const Entry& a, const Entry& b) const {
    return a.time > b.time || (a.time == b.time && a.order > b.order);
  }
};

class RadixQueue {
 public:
  void push(const Entry& e) { buckets_[bucket(e.time)].push_back(e); }
  Entry pop() {
    if (next_ == buckets_[0].size()) refill();
    return buckets_[0][next_++];
  }

 private:
  std::size_t bucket(std::int64_t t) const {
    return t == last_ ? 0 : 64 - static_cast<std::size_t>(std::countl_zero(static_cast<std::uint64_t>(t ^ last_)));
  }
  void refill() {
    buckets_[0].clear();
    next_ = 0;
    std::size_t i = 1;
    while (buckets_[i].empty()) ++i;
    std::vector<Entry>& b = buckets_[i];
    last_ = std::min_element(b.begin(), b.end(), [](const Entry& x, const Entry& y) { return x.time < y.time; })->time;
    for (const Entry& e : b) buckets_[bucket(e.time)].push_back(e);
    b.clear();
    std::sort(buckets_[0].begin(), buckets_[0].end(), [](const Entry& x, const Entry& y) { return x.order < y.order; });
  }
  std::array<std::vector<Entry>, 65> buckets_;
  std::size_t next_ = 0;
  std::int64_t last_ = 0;
};

std::vector<std::int64_t> increments(double mean_ps) {
  std::vector<std::int64_t> table(1u << 16);
  coesim::bench::SplitMix64 rng(7);
  for (std::int64_t& t : table) {
    const double u = (static_cast<double>(rng.next() >> 11) + 0.5) * 0x1.0p-53;
    t = static_cast<std::int64_t>(-std::log(u) * mean_ps);
  }
  return table;
}

bool same_order_as_binary_heap() {
  const auto inc = increments(1000.0);  // coarse: many equal times
  RadixQueue radix;
  std::priority_queue<Entry, std::vector<Entry>, Later> heap;
  std::uint64_t seq = 0;
  for (std::size_t i = 0; i < 100'000; ++i) {
    const Entry e{inc[i & 0xFFFF], seq++, 0, 0};
    radix.push(e);
    heap.push(e);
  }
  for (std::size_t i = 0; i < 5'000'000; ++i) {
    const Entry a = radix.pop();
    const Entry b = heap.top();
    heap.pop();
    if (a.time != b.time || a.order != b.order) return false;
    const Entry e{a.time + inc[(i + 100'000) & 0xFFFF], seq++, 0, 0};
    radix.push(e);
    heap.push(e);
  }
  return true;
}

template <class Queue, class Top>
void hold(benchmark::State& state, Queue& q, Top top_and_pop) {
  const auto inc = increments(1e6);
  std::size_t k = 0;
  std::uint64_t seq = 0;
  for (std::int64_t i = 0; i < state.range(0); ++i) q.push(Entry{inc[k++ & 0xFFFF], seq++, 0, 0});
  for (auto _ : state) {
    const Entry e = top_and_pop(q);
    q.push(Entry{e.time + inc[k++ & 0xFFFF], seq++, 0, 0});
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_BinaryHeapHold(benchmark::State& state) {
  std::priority_queue<Entry, std::vector<Entry>, Later> q;
  hold(state, q, [](auto& h) {
    const Entry e = h.top();
    h.pop();
    return e;
  });
}
BENCHMARK(BM_BinaryHeapHold)->Arg(100'000)->Arg(1'000);

void BM_RadixHold(benchmark::State& state) {
  RadixQueue q;
  hold(state, q, [](auto& r) { return r.pop(); });
}
BENCHMARK(BM_RadixHold)->Arg(100'000)->Arg(1'000);

}  // namespace

int main(int argc, char** argv) {
  if (!same_order_as_binary_heap()) {
    std::puts("radix queue pops in a different order than the binary heap");
    return 1;
  }
  std::puts("radix queue pops in the same order as a binary heap over 5 M holds");
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
