#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "sim/kernel/event_queue.h"
#include "sim/kernel/simulator.h"

namespace coesim {
namespace {

TEST(EventCallback, RunsInlineAndHeapCallablesAndFreesCaptures) {
  int hits = 0;
  EventCallback small([&hits] { ++hits; });  // one reference: stored inline
  auto counted = std::make_shared<int>(0);
  EventCallback big([counted, &hits] {
    ++hits;
    ++*counted;
  });  // 24 bytes: on the heap
  EXPECT_EQ(counted.use_count(), 2);
  small();
  big();
  EXPECT_EQ(hits, 2);
  EventCallback moved(std::move(big));
  EXPECT_FALSE(static_cast<bool>(big));  // NOLINT(bugprone-use-after-move): moved-from is empty
  moved();
  EXPECT_EQ(*counted, 2);
  moved = nullptr;
  EXPECT_EQ(counted.use_count(), 1);  // the heap copy was freed
  EventCallback none;
  EXPECT_FALSE(static_cast<bool>(none));
}

TEST(EventQueue, CancelFreesTheCallbacksCaptures) {
  EventQueue q;
  auto counted = std::make_shared<int>(0);
  const EventId id = q.push(5, 0, [counted] { ++*counted; });
  EXPECT_EQ(counted.use_count(), 2);
  EXPECT_TRUE(q.cancel(id));
  EXPECT_EQ(counted.use_count(), 1);
}

TEST(EventQueue, OrdersByTimeThenPriorityThenInsertion) {
  EventQueue q;
  std::vector<int> ran;
  q.push(20, 0, [&] { ran.push_back(1); });
  q.push(10, 5, [&] { ran.push_back(2); });
  q.push(10, -5, [&] { ran.push_back(3); });
  q.push(10, 5, [&] { ran.push_back(4); });
  q.push(5, 127, [&] { ran.push_back(5); });
  while (!q.empty()) q.pop().callback();
  EXPECT_EQ(ran, (std::vector<int>{5, 3, 2, 4, 1}));
}

TEST(EventQueue, CancelledEventsDoNotRunAndStaleIdsAreHarmless) {
  EventQueue q;
  int ran = 0;
  const EventId a = q.push(1, 0, [&] { ran += 1; });
  const EventId b = q.push(2, 0, [&] { ran += 10; });
  EXPECT_TRUE(q.cancel(a));
  EXPECT_FALSE(q.cancel(a));
  EXPECT_EQ(q.size(), 1u);
  EXPECT_EQ(q.next_time(), 2);
  q.pop().callback();
  EXPECT_EQ(ran, 10);
  EXPECT_FALSE(q.cancel(b));
  EXPECT_FALSE(q.pending(b));
  // A reused slot must not be cancellable through the old id.
  const EventId c = q.push(3, 0, [&] { ran += 100; });
  EXPECT_FALSE(q.cancel(b));
  EXPECT_TRUE(q.pending(c));
}

TEST(EventQueue, CompactionAfterManyCancellationsKeepsOrder) {
  EventQueue q;
  std::vector<EventId> ids;
  std::vector<TimePs> ran;
  for (int i = 0; i < 5000; ++i) {
    const TimePs t = (i * 7919) % 5000;
    ids.push_back(q.push(t, 0, [&ran, t] { ran.push_back(t); }));
  }
  for (int i = 0; i < 5000; ++i)
    if (i % 5 != 0) q.cancel(ids[i]);
  EXPECT_EQ(q.size(), 1000u);
  while (!q.empty()) q.pop().callback();
  ASSERT_EQ(ran.size(), 1000u);
  EXPECT_TRUE(std::is_sorted(ran.begin(), ran.end()));
}

RC_GTEST_PROP(EventQueueProperty, PopsLiveEventsInTotalOrder, ()) {
  EventQueue q;
  struct Item {
    TimePs time;
    int priority;
    int seq;
    bool cancelled;
    EventId id;
  };
  std::vector<Item> items;
  const int n = *rc::gen::inRange(0, 400);
  std::vector<int> popped;
  for (int i = 0; i < n; ++i) {
    const TimePs t = *rc::gen::inRange<TimePs>(0, 50);
    const int p = *rc::gen::inRange(-3, 3);
    items.push_back({t, p, i, false, {}});
    items.back().id = q.push(t, p, [&popped, i] { popped.push_back(i); });
    if (!items.empty() && *rc::gen::inRange(0, 4) == 0) {
      const int victim = *rc::gen::inRange(0, static_cast<int>(items.size()));
      if (!items[victim].cancelled) {
        RC_ASSERT(q.cancel(items[victim].id));
        items[victim].cancelled = true;
      }
    }
  }
  while (!q.empty()) q.pop().callback();
  std::vector<Item> expected;
  for (const auto& it : items)
    if (!it.cancelled) expected.push_back(it);
  std::sort(expected.begin(), expected.end(), [](const Item& a, const Item& b) {
    return std::tie(a.time, a.priority, a.seq) < std::tie(b.time, b.priority, b.seq);
  });
  RC_ASSERT(popped.size() == expected.size());
  for (size_t i = 0; i < expected.size(); ++i) RC_ASSERT(popped[i] == expected[i].seq);
}

TEST(EventQueue, PushesAtTheCurrentTimeKeepPriorityOrder) {
  EventQueue q;
  std::vector<int> ran;
  q.push(10, 0, [&] { ran.push_back(1); });
  q.push(10, 127, [&] { ran.push_back(2); });
  q.push(10, 0, [&] { ran.push_back(3); });
  EXPECT_EQ(q.next_time(), 10);
  q.pop().callback();                          // 1; the queue's time is now 10
  q.push(10, 5, [&] { ran.push_back(4); });    // before the priority-127 event
  q.push(10, -1, [&] { ran.push_back(5); });   // first of all
  q.push(10, 127, [&] { ran.push_back(6); });  // after the earlier 127
  while (!q.empty()) q.pop().callback();
  EXPECT_EQ(ran, (std::vector<int>{1, 5, 3, 4, 2, 6}));
  EXPECT_THROW(q.push(9, 0, [] {}), std::logic_error);
}

// Property: interleaved pushes (never before the current time), pops and
// cancellations give exactly the order of a reference ordered set.
RC_GTEST_PROP(EventQueueProperty, InterleavedOperationsMatchAReferenceModel, ()) {
  EventQueue q;
  std::set<std::tuple<TimePs, int, std::uint64_t>> model;  // (time, priority, seq)
  std::map<std::uint64_t, EventId> ids;
  std::map<std::uint64_t, std::tuple<TimePs, int, std::uint64_t>> keys;
  std::uint64_t seq = 0;
  TimePs now = 0;
  std::uint64_t popped = 0;
  const int steps = *rc::gen::inRange(1, 2000);
  for (int i = 0; i < steps; ++i) {
    const int op = *rc::gen::inRange(0, 10);
    if (op < 5) {
      // Times spread over many powers of two, with frequent ties.
      const TimePs t = now + (*rc::gen::inRange(0, 3) == 0
                                  ? 0
                                  : (TimePs{1} << *rc::gen::inRange(0, 40)) + *rc::gen::inRange<TimePs>(0, 5));
      const int p = *rc::gen::inRange(-2, 3);
      const auto key = std::make_tuple(t, p, seq);
      ids[seq] = q.push(t, p, [&popped, s = seq] { popped = s; });
      keys[seq] = key;
      model.insert(key);
      ++seq;
    } else if (op < 8 && !model.empty()) {
      const auto expected = *model.begin();
      model.erase(model.begin());
      RC_ASSERT(q.next_time() == std::get<0>(expected));
      auto e = q.pop();
      e.callback();
      RC_ASSERT(popped == std::get<2>(expected));
      RC_ASSERT(e.time == std::get<0>(expected));
      now = e.time;
    } else if (!model.empty()) {
      const auto victim = std::next(model.begin(), *rc::gen::inRange<long>(0, static_cast<long>(model.size())));
      RC_ASSERT(q.cancel(ids.at(std::get<2>(*victim))));
      model.erase(victim);
    }
    RC_ASSERT(q.size() == model.size());
    // Peeking finds the earliest live time without disturbing the queue.
    const std::optional<TimePs> peeked = q.peek_time();
    RC_ASSERT(peeked.has_value() == !model.empty());
    if (!model.empty()) RC_ASSERT(*peeked == std::get<0>(*model.begin()));
  }
}

TEST(Simulator, ClockAdvancesAndPastSchedulingIsRejected) {
  Simulator sim;
  std::vector<TimePs> seen;
  sim.schedule_at(100, [&] {
    seen.push_back(sim.now());
    sim.schedule_in(50, [&] { seen.push_back(sim.now()); });
  });
  sim.run();
  EXPECT_EQ(seen, (std::vector<TimePs>{100, 150}));
  EXPECT_THROW(sim.schedule_at(10, [] {}), std::logic_error);
  EXPECT_EQ(sim.events_executed(), 2u);
}

TEST(Simulator, RunUntilStopsAtTheBoundary) {
  Simulator sim;
  int ran = 0;
  sim.schedule_at(10, [&] { ++ran; });
  sim.schedule_at(20, [&] { ++ran; });
  sim.schedule_at(21, [&] { ++ran; });
  sim.run_until(20);
  EXPECT_EQ(ran, 2);
  EXPECT_EQ(sim.now(), 20);
  sim.run();
  EXPECT_EQ(ran, 3);
}

TEST(Simulator, TraceHashIsReproducibleAndSensitive) {
  const auto run = [](TimePs shift) {
    Simulator sim;
    for (int i = 0; i < 100; ++i) sim.schedule_at((i * 37) % 101 + (i == 50 ? shift : 0), [] {}, i % 3);
    sim.run();
    return sim.trace_hash();
  };
  EXPECT_EQ(run(0), run(0));
  EXPECT_NE(run(0), run(1));
}

// Kinds label events without changing them: the same events with and
// without kinds give the same trace hash, and each kind's count is what ran.
TEST(Simulator, EventsCarryAKindCountedWhenTheyRun) {
  Simulator plain, labelled;
  const EventKind tick = labelled.event_kind("tick");
  const EventKind tock = labelled.event_kind("tock");
  EXPECT_EQ(labelled.event_kind("tick").id, tick.id);
  EXPECT_NE(tick.id, tock.id);
  for (int i = 0; i < 10; ++i) {
    plain.schedule_at(i, [] {});
    labelled.schedule_at(i, i % 3 == 0 ? tock : tick, [] {});
  }
  plain.schedule_at(3, [] {});
  labelled.schedule_at(3, [] {});
  const EventId cancelled = labelled.schedule_at(20, tock, [] {});
  plain.cancel(plain.schedule_at(20, [] {}));
  labelled.cancel(cancelled);
  plain.run();
  labelled.run();
  EXPECT_EQ(plain.trace_hash(), labelled.trace_hash());
  using Counts = std::vector<std::pair<std::string, std::uint64_t>>;
  EXPECT_EQ(labelled.events_by_kind(), (Counts{{"unlabelled", 1}, {"tick", 6}, {"tock", 4}}));
  EXPECT_EQ(plain.events_by_kind(), (Counts{{"unlabelled", 11}}));
  EXPECT_THROW(plain.schedule_at(30, tock, [] {}), std::logic_error);  // a kind this simulator never named
}

}  // namespace
}  // namespace coesim
