#include "sim/kernel/event_queue.h"

#include <stdexcept>

namespace coesim {
namespace {

constexpr std::size_t kArity = 4;
constexpr int kSequenceBits = 56;

std::uint64_t pack_order(int priority, std::uint64_t sequence) {
  if (priority < -128 || priority > 127) throw std::invalid_argument("event priority must be in [-128, 127]");
  return (static_cast<std::uint64_t>(priority + 128) << kSequenceBits) | sequence;
}

}  // namespace

EventId EventQueue::push(TimePs time, int priority, Callback callback) {
  if (next_sequence_ >> kSequenceBits) throw std::overflow_error("event sequence exhausted");
  std::uint32_t slot;
  if (free_slots_.empty()) {
    slot = static_cast<std::uint32_t>(slots_.size());
    slots_.emplace_back();
  } else {
    slot = free_slots_.back();
    free_slots_.pop_back();
  }
  slots_[slot].callback = std::move(callback);
  const std::uint32_t generation = slots_[slot].generation;
  heap_.push_back(Entry{time, pack_order(priority, next_sequence_++), slot, generation});
  sift_up(heap_.size() - 1);
  ++live_;
  return EventId{slot, generation};
}

bool EventQueue::pending(EventId id) const {
  return id.valid() && id.slot < slots_.size() && slots_[id.slot].generation == id.generation &&
         static_cast<bool>(slots_[id.slot].callback);
}

bool EventQueue::cancel(EventId id) {
  if (!pending(id)) return false;
  Slot& s = slots_[id.slot];
  s.callback = nullptr;
  ++s.generation;
  free_slots_.push_back(id.slot);
  --live_;
  if (heap_.size() > 1024 && heap_.size() > 4 * live_) compact();
  return true;
}

TimePs EventQueue::next_time() {
  drop_dead_top();
  return heap_.front().time;
}

EventQueue::Popped EventQueue::pop() {
  drop_dead_top();
  const Entry top = heap_.front();
  remove_top();
  Slot& s = slots_[top.slot];
  Popped out{top.time, top.order, std::move(s.callback)};
  s.callback = nullptr;
  ++s.generation;
  free_slots_.push_back(top.slot);
  --live_;
  return out;
}

void EventQueue::drop_dead_top() {
  while (!heap_.empty() && !is_live(heap_.front())) remove_top();
}

void EventQueue::remove_top() {
  heap_.front() = heap_.back();
  heap_.pop_back();
  if (!heap_.empty()) sift_down(0);
}

void EventQueue::sift_up(std::size_t i) {
  const Entry moving = heap_[i];
  while (i > 0) {
    const std::size_t parent = (i - 1) / kArity;
    if (!before(moving, heap_[parent])) break;
    heap_[i] = heap_[parent];
    i = parent;
  }
  heap_[i] = moving;
}

void EventQueue::sift_down(std::size_t i) {
  const std::size_t n = heap_.size();
  const Entry moving = heap_[i];
  for (;;) {
    const std::size_t first = i * kArity + 1;
    if (first >= n) break;
    const std::size_t last = first + kArity < n ? first + kArity : n;
    std::size_t best = first;
    for (std::size_t c = first + 1; c < last; ++c)
      if (before(heap_[c], heap_[best])) best = c;
    if (!before(heap_[best], moving)) break;
    heap_[i] = heap_[best];
    i = best;
  }
  heap_[i] = moving;
}

void EventQueue::compact() {
  std::size_t kept = 0;
  for (const Entry& e : heap_)
    if (is_live(e)) heap_[kept++] = e;
  heap_.resize(kept);
  if (heap_.size() < 2) return;
  for (std::size_t i = (heap_.size() - 2) / kArity + 1; i-- > 0;) sift_down(i);
}

}  // namespace coesim
