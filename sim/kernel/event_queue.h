#pragma once
// Pending events ordered by (time, priority, insertion sequence): equal-time
// events run in a fixed order, so runs are deterministic. A 4-ary min-heap of
// small entries keeps pops cache-friendly; cancellation is lazy (the entry is
// skipped when it surfaces) with compaction when dead entries dominate.
#include <cstdint>
#include <functional>
#include <vector>

#include "sim/kernel/time.h"

namespace coesim {

// Identifies a scheduled event; stale ids (run or cancelled) are harmless.
struct EventId {
  std::uint32_t slot = UINT32_MAX;
  std::uint32_t generation = 0;
  bool valid() const { return slot != UINT32_MAX; }
};

class EventQueue {
 public:
  using Callback = std::function<void()>;

  // Lower priority values run first among events at the same time.
  EventId push(TimePs time, int priority, Callback callback);
  // Returns true if the event was pending and is now cancelled.
  bool cancel(EventId id);
  bool pending(EventId id) const;

  bool empty() const { return live_ == 0; }
  std::size_t size() const { return live_; }
  // Time of the earliest live event; requires !empty().
  TimePs next_time();

  struct Popped {
    TimePs time;
    std::uint64_t order;  // priority and sequence, packed
    Callback callback;
  };
  // Removes and returns the earliest live event; requires !empty().
  Popped pop();

 private:
  struct Entry {
    TimePs time;
    std::uint64_t order;
    std::uint32_t slot;
    std::uint32_t generation;
  };
  struct Slot {
    Callback callback;
    std::uint32_t generation = 0;
  };

  static bool before(const Entry& a, const Entry& b) {
    return a.time < b.time || (a.time == b.time && a.order < b.order);
  }
  bool is_live(const Entry& e) const { return slots_[e.slot].generation == e.generation; }
  void sift_up(std::size_t i);
  void sift_down(std::size_t i);
  void remove_top();
  void drop_dead_top();
  void compact();

  std::vector<Entry> heap_;
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_slots_;
  std::uint64_t next_sequence_ = 0;
  std::size_t live_ = 0;
};

}  // namespace coesim
