#pragma once
// Pending events ordered by (time, priority, insertion sequence): equal-time
// events run in a fixed order, so runs are deterministic. Simulated time never
// goes back, so the queue is a radix heap on the time key, in base 256: an
// entry sits in the bucket of the highest 8-bit digit where its time differs
// from the current (last popped) time, keyed by that digit, and moves to a
// lower level only as time advances, at most 7 times and usually 1-2. That
// is sequential memory traffic instead of a binary heap's cache misses at 10^5
// pending events. Entries at the current time are kept sorted by (priority,
// sequence). Cancellation is lazy: a cancelled entry is skipped when it
// surfaces, and the buckets are compacted when dead entries dominate.
#include <array>
#include <optional>
#include <cstdint>
#include <vector>

#include "sim/kernel/event_callback.h"
#include "sim/kernel/time.h"

namespace coesim {

// What an event is, as a number the simulator gives each name it is told
// (Simulator::event_kind); 0 for events scheduled without one.
struct EventKind {
  std::uint16_t id = 0;
};

// Identifies a scheduled event; stale ids (run or cancelled) are harmless.
struct EventId {
  std::uint32_t slot = UINT32_MAX;
  std::uint32_t generation = 0;
  bool valid() const { return slot != UINT32_MAX; }
};

class EventQueue {
 public:
  using Callback = EventCallback;

  // Lower priority values run first among events at the same time. Throws
  // std::logic_error for a time before the last popped event's.
  EventId push(TimePs time, int priority, Callback callback, EventKind kind = {});
  // Returns true if the event was pending and is now cancelled.
  bool cancel(EventId id);
  bool pending(EventId id) const;

  bool empty() const { return live_ == 0; }
  std::size_t size() const { return live_; }
  // Time of the earliest live event; requires !empty().
  TimePs next_time();
  // The same without moving entries or the current time (so events may
  // still be pushed before it); none when empty.
  std::optional<TimePs> peek_time() const;

  struct Popped {
    TimePs time;
    std::uint64_t order;  // priority and sequence, packed
    Callback callback;
    EventKind kind;
  };
  // Removes and returns the earliest live event; requires !empty().
  Popped pop();

 private:
  struct Entry {
    std::uint64_t key;  // time, mapped to unsigned preserving order
    std::uint32_t slot;
    std::uint32_t generation;
  };
  struct Slot {
    Callback callback;
    std::uint64_t order = 0;
    std::uint32_t generation = 0;
    EventKind kind;  // in what would be padding: a slot stays 32 bytes
  };
  static_assert(sizeof(Slot) == 32, "slots are touched on every push and pop: keep them half a cache line");
  static constexpr int kDigitBits = 8;
  static constexpr int kDigits = 1 << kDigitBits;
  static constexpr int kLevels = 64 / kDigitBits;
  static constexpr int kWordsPerLevel = kDigits / 64;

  bool is_live(const Entry& e) const { return slots_[e.slot].generation == e.generation; }
  void place_later(const Entry& e);
  void insert_in_front(const Entry& e);
  const Entry& front();
  void refill();
  void compact();

  // buckets_[level * kDigits + digit]; bit `digit` of level `level` in
  // nonempty_ (kWordsPerLevel words a level) is set when it holds entries.
  std::array<std::vector<Entry>, kLevels * kDigits> buckets_;
  std::array<std::uint64_t, kLevels * kWordsPerLevel> nonempty_{};
  std::vector<Entry> front_;    // entries at the current time
  std::size_t front_next_ = 0;  // consumed prefix of front_
  std::uint64_t last_key_ = 0;  // key of the current time
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_slots_;
  std::uint64_t next_sequence_ = 0;
  std::size_t live_ = 0;
  std::size_t entries_ = 0;  // live and dead entries in the buckets
};

}  // namespace coesim
