#pragma once
// The event loop: a clock and an EventQueue. Processes are written as
// callbacks that schedule further callbacks, each with a kind (what it is:
// "compute", "flow-completion", ...) so a run can say where its events went.
// Every executed event is folded into a running trace hash so tests can
// prove two runs were identical.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/kernel/event_queue.h"
#include "sim/kernel/time.h"

namespace coesim {

class Simulator {
 public:
  using Callback = EventQueue::Callback;

  // Priorities order events at the same time; lower runs first.
  static constexpr int kPriorityFirst = -128;
  static constexpr int kPriorityNormal = 0;
  static constexpr int kPriorityLast = 127;

  TimePs now() const { return now_ps_; }

  // The kind named `name`, the same for every call with that name.
  EventKind event_kind(std::string_view name);

  EventId schedule_at(TimePs time_ps, EventKind kind, Callback callback, int priority = kPriorityNormal);
  EventId schedule_in(TimePs delay_ps, EventKind kind, Callback callback, int priority = kPriorityNormal);
  // Without a kind: counted as "unlabelled".
  EventId schedule_at(TimePs time_ps, Callback callback, int priority = kPriorityNormal) {
    return schedule_at(time_ps, EventKind{}, std::move(callback), priority);
  }
  EventId schedule_in(TimePs delay_ps, Callback callback, int priority = kPriorityNormal) {
    return schedule_in(delay_ps, EventKind{}, std::move(callback), priority);
  }
  bool cancel(EventId id) { return queue_.cancel(id); }
  bool pending(EventId id) const { return queue_.pending(id); }

  // Runs one event; returns false if none is pending.
  bool step();
  void run();
  // Runs every event with time <= end_ps, then sets the clock to end_ps.
  void run_until(TimePs end_ps);

  // Time of the earliest pending event, or none.
  std::optional<TimePs> next_event_time() const { return queue_.peek_time(); }

  std::uint64_t events_executed() const { return events_executed_; }
  // Events executed of each kind that ran at least once, in the order the
  // kinds were named (unlabelled first).
  std::vector<std::pair<std::string, std::uint64_t>> events_by_kind() const;
  std::size_t events_pending() const { return queue_.size(); }
  // Hash over the (time, priority, sequence) of every executed event.
  std::uint64_t trace_hash() const { return trace_hash_; }

 private:
  EventQueue queue_;
  TimePs now_ps_ = 0;
  std::uint64_t events_executed_ = 0;
  std::vector<std::string> kind_names_{"unlabelled"};
  std::vector<std::uint64_t> executed_by_kind_{0};
  std::uint64_t trace_hash_ = 0x9E3779B97F4A7C15ULL;
};

// Mixes a value into a running 64-bit hash (splitmix64 finaliser).
std::uint64_t hash_combine(std::uint64_t seed, std::uint64_t value);

}  // namespace coesim
