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

EventId Simulator::schedule_at(TimePs time_ps, Callback callback, int priority) {
  if (time_ps < now_ps_)
    throw std::logic_error(fmt::format("event scheduled in the past ({} ps < now {} ps)", time_ps, now_ps_));
  return queue_.push(time_ps, priority, std::move(callback));
}

EventId Simulator::schedule_in(TimePs delay_ps, Callback callback, int priority) {
  if (delay_ps < 0) throw std::logic_error("negative event delay");
  if (delay_ps > kTimeMaxPs - now_ps_) throw std::overflow_error("event time beyond the simulated time range");
  return schedule_at(now_ps_ + delay_ps, std::move(callback), priority);
}

bool Simulator::step() {
  if (queue_.empty()) return false;
  EventQueue::Popped event = queue_.pop();
  now_ps_ = event.time;
  ++events_executed_;
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
