#include "sim/kernel/simulator.h"

#include <stdexcept>

#include <fmt/format.h>

namespace coesim {

std::uint64_t hash_combine(std::uint64_t seed, std::uint64_t value) {
  std::uint64_t z = seed ^ (value + 0x9E3779B97F4A7C15ULL + (seed << 6) + (seed >> 2));
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

EventKind Simulator::event_kind(std::string_view name) {
  for (std::size_t i = 0; i < kind_names_.size(); ++i)
    if (kind_names_[i] == name) return EventKind{static_cast<std::uint16_t>(i)};
  if (kind_names_.size() > UINT16_MAX) throw std::logic_error("more than 65,535 event kinds");
  kind_names_.emplace_back(name);
  executed_by_kind_.push_back(0);
  return EventKind{static_cast<std::uint16_t>(kind_names_.size() - 1)};
}

EventId Simulator::schedule_at(TimePs time_ps, EventKind kind, Callback callback, int priority) {
  if (time_ps < now_ps_)
    throw std::logic_error(fmt::format("event scheduled in the past ({} ps < now {} ps)", time_ps, now_ps_));
  if (kind.id >= kind_names_.size()) throw std::logic_error("event kind not named by this simulator");
  return queue_.push(time_ps, priority, std::move(callback), kind);
}

EventId Simulator::schedule_in(TimePs delay_ps, EventKind kind, Callback callback, int priority) {
  if (delay_ps < 0) throw std::logic_error("negative event delay");
  if (delay_ps > kTimeMaxPs - now_ps_) throw std::overflow_error("event time beyond the simulated time range");
  return schedule_at(now_ps_ + delay_ps, kind, std::move(callback), priority);
}

std::vector<std::pair<std::string, std::uint64_t>> Simulator::events_by_kind() const {
  std::vector<std::pair<std::string, std::uint64_t>> out;
  for (std::size_t i = 0; i < kind_names_.size(); ++i)
    if (executed_by_kind_[i] > 0) out.emplace_back(kind_names_[i], executed_by_kind_[i]);
  return out;
}

bool Simulator::step() {
  if (queue_.empty()) return false;
  EventQueue::Popped event = queue_.pop();
  now_ps_ = event.time;
  ++events_executed_;
  ++executed_by_kind_[event.kind.id];
  trace_hash_ = hash_combine(hash_combine(trace_hash_, static_cast<std::uint64_t>(event.time)), event.order);
  event.callback();
  return true;
}

void Simulator::run() {
  while (step()) {
  }
}

void Simulator::run_until(TimePs end_ps) {
  while (!queue_.empty() && queue_.next_time() <= end_ps) step();
  if (end_ps > now_ps_) now_ps_ = end_ps;
}

}  // namespace coesim
