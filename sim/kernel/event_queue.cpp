#include "sim/kernel/event_queue.h"

#include <algorithm>
#include <bit>
#include <stdexcept>

namespace coesim {
namespace {

constexpr int kSequenceBits = 56;

std::uint64_t pack_order(int priority, std::uint64_t sequence) {
  if (priority < -128 || priority > 127) throw std::logic_error("event priority must be in [-128, 127]");
  return (static_cast<std::uint64_t>(priority + 128) << kSequenceBits) | sequence;
}

// Order-preserving map from signed time to unsigned key.
std::uint64_t key_of(TimePs time) { return static_cast<std::uint64_t>(time) ^ (std::uint64_t{1} << 63); }
TimePs time_of(std::uint64_t key) { return static_cast<TimePs>(key ^ (std::uint64_t{1} << 63)); }

}  // namespace

// Puts an entry later than the current time in the bucket of the highest
// digit where its key differs from the current time's.
[[gnu::always_inline]] inline void EventQueue::place_later(const Entry& e) {
  const unsigned level = static_cast<unsigned>(63 - std::countl_zero(e.key ^ last_key_)) / kDigitBits;
  const unsigned digit = static_cast<unsigned>(e.key >> (level * kDigitBits)) & (kDigits - 1);
  // Level 0 holds the next few times: start fetching their slots now, well
  // before they are popped (at 10^5 pending events that is a cache miss each).
  if (level == 0) __builtin_prefetch(&slots_[e.slot], 1);
  buckets_[std::size_t{level} * kDigits + digit].push_back(e);
  nonempty_[std::size_t{level} * kWordsPerLevel + digit / 64] |= std::uint64_t{1} << (digit % 64);
}

EventId EventQueue::push(TimePs time, int priority, Callback callback, EventKind kind) {
  const std::uint64_t key = key_of(time);
  if (key < last_key_) throw std::logic_error("event pushed before the last popped event's time");
  if (next_sequence_ >> kSequenceBits) throw std::overflow_error("event sequence exhausted");
  std::uint32_t slot;
  if (free_slots_.empty()) {
    slot = static_cast<std::uint32_t>(slots_.size());
    slots_.emplace_back();
  } else {
    slot = free_slots_.back();
    free_slots_.pop_back();
  }
  Slot& s = slots_[slot];
  s.callback = std::move(callback);
  s.order = pack_order(priority, next_sequence_++);
  s.kind = kind;
  const Entry e{key, slot, s.generation};
  if (key == last_key_) {
    insert_in_front(e);
  } else {
    place_later(e);
  }
  ++live_;
  ++entries_;
  return EventId{slot, s.generation};
}

// front_ holds entries at the current time, the live ones sorted by order
// from front_next_ on; a new entry has the largest sequence, so it goes after
// every live entry of its priority or lower. Dead entries (whose slot may
// already serve another event) are passed over.
void EventQueue::insert_in_front(const Entry& e) {
  std::vector<Entry>& front = front_;
  const std::uint64_t order = slots_[e.slot].order;
  std::size_t at = front.size();
  while (at > front_next_ && (!is_live(front[at - 1]) || slots_[front[at - 1].slot].order > order)) --at;
  front.insert(front.begin() + static_cast<std::ptrdiff_t>(at), e);
}

bool EventQueue::pending(EventId id) const {
  return id.valid() && id.slot < slots_.size() && slots_[id.slot].generation == id.generation;
}

bool EventQueue::cancel(EventId id) {
  if (!pending(id)) return false;
  Slot& s = slots_[id.slot];
  s.callback = nullptr;
  ++s.generation;
  free_slots_.push_back(id.slot);
  --live_;
  if (entries_ > 1024 && entries_ > 4 * live_) compact();
  return true;
}

const EventQueue::Entry& EventQueue::front() {
  for (;;) {
    while (front_next_ < front_.size() && !is_live(front_[front_next_])) {
      ++front_next_;
      --entries_;
    }
    if (front_next_ < front_.size()) return front_[front_next_];
    refill();
  }
}

// The current time is used up: the lowest nonempty bucket holds the next
// times (lower level first, then lower digit). Its smallest time becomes the
// current time; its entries move to front_ or to lower levels. Liveness is
// not checked here (that would touch every entry's slot): dead entries travel
// along and are dropped when they reach the front.
void EventQueue::refill() {
  front_.clear();
  front_next_ = 0;
  std::size_t word = 0;
  while (word < nonempty_.size() && nonempty_[word] == 0) ++word;
  if (word == nonempty_.size()) throw std::logic_error("event queue: no live event left");
  const int level = static_cast<int>(word) / kWordsPerLevel;
  const int digit = static_cast<int>(word % kWordsPerLevel) * 64 + std::countr_zero(nonempty_[word]);
  nonempty_[word] &= nonempty_[word] - 1;
  std::vector<Entry>& from = buckets_[static_cast<std::size_t>(level) * kDigits + static_cast<std::size_t>(digit)];
  const auto by_order = [this](const Entry& a, const Entry& b) { return slots_[a.slot].order < slots_[b.slot].order; };
  if (level == 0) {
    // A level-0 bucket differs from the current time in the lowest digit
    // only, so all its entries share one time: it becomes the front as is.
    last_key_ = (last_key_ & ~std::uint64_t{kDigits - 1}) | static_cast<std::uint64_t>(digit);
    front_.swap(from);
    if (front_.size() > 1) std::sort(front_.begin(), front_.end(), by_order);
    return;
  }
  std::uint64_t smallest = UINT64_MAX;
  for (const Entry& e : from) smallest = std::min(smallest, e.key);
  last_key_ = smallest;
  for (const Entry& e : from) {
    if (e.key == smallest) {
      __builtin_prefetch(&slots_[e.slot], 1);
      front_.push_back(e);
    } else {
      place_later(e);
    }
  }
  from.clear();
  if (front_.size() > 1) std::sort(front_.begin(), front_.end(), by_order);
}

TimePs EventQueue::next_time() { return time_of(front().key); }

// The front holds the current time; otherwise the buckets are ordered (level,
// then digit), so the first bucket holding a live entry holds the minimum.
std::optional<TimePs> EventQueue::peek_time() const {
  for (std::size_t i = front_next_; i < front_.size(); ++i)
    if (is_live(front_[i])) return time_of(front_[i].key);
  for (std::size_t word = 0; word < nonempty_.size(); ++word) {
    for (std::uint64_t bits = nonempty_[word]; bits != 0; bits &= bits - 1) {
      const std::size_t bucket = word * 64 + static_cast<std::size_t>(std::countr_zero(bits));
      std::optional<std::uint64_t> smallest;
      for (const Entry& e : buckets_[bucket])
        if (is_live(e) && (!smallest || e.key < *smallest)) smallest = e.key;
      if (smallest) return time_of(*smallest);
    }
  }
  return std::nullopt;
}

EventQueue::Popped EventQueue::pop() {
  const Entry top = front();
  ++front_next_;
  --entries_;
  Slot& s = slots_[top.slot];
  Popped out{time_of(top.key), s.order, std::move(s.callback), s.kind};
  ++s.generation;
  free_slots_.push_back(top.slot);
  --live_;
  return out;
}

void EventQueue::compact() {
  front_.erase(front_.begin(), front_.begin() + static_cast<std::ptrdiff_t>(front_next_));
  front_next_ = 0;
  const auto dead = [this](const Entry& e) { return !is_live(e); };
  front_.erase(std::remove_if(front_.begin(), front_.end(), dead), front_.end());
  entries_ = front_.size();
  for (std::size_t b = 0; b < buckets_.size(); ++b) {
    std::vector<Entry>& bucket = buckets_[b];
    if (bucket.empty()) continue;
    bucket.erase(std::remove_if(bucket.begin(), bucket.end(), dead), bucket.end());
    entries_ += bucket.size();
    if (bucket.empty()) nonempty_[b / 64] &= ~(std::uint64_t{1} << (b % 64));
  }
}

}  // namespace coesim
