// samba-coe (the SN40L paper's Samba-CoE serving loop): take up to B queued
// prompts, route them together in one router pass, then run each (prompt,
// expert) in turn to completion (prefill, then one decode step per further
// token, batch 1). fcfs is the same with B = 1: route a request, run it,
// take the next.
#include <algorithm>
#include <deque>
#include <stdexcept>

#include "sim/serving/scheduler.h"

namespace coesim::serving {
namespace {

class SequentialScheduler : public Scheduler {
 public:
  SequentialScheduler(std::string name, int batch_size, bool route)
      : name_(std::move(name)), batch_size_(batch_size), route_(route) {}

  std::string name() const override { return name_; }
  void on_arrival(std::int64_t request) override { queue_.push_back(request); }
  void on_rejected(std::int64_t request) override {
    std::erase(batch_, request);
    std::erase(queue_, request);
    if (cursor_ > batch_.size()) cursor_ = batch_.size();
  }

  // One request at a time never needs preemption: its KV either fits beside
  // its expert or the request is rejected.
  void on_preempted(std::int64_t) override {}

  std::optional<Step> next_step(const RecordStore& records, const EngineView& view) override {
    while (cursor_ < batch_.size()) {
      const RequestRecord& r = records[batch_[cursor_]];
      if (r.outcome != Outcome::Pending) {
        ++cursor_;
        continue;
      }
      const Step::Kind kind = r.cached_tokens == 0 ? Step::Kind::Prefill : Step::Kind::Decode;
      return Step{kind, r.request.expert, {batch_[cursor_]}};
    }
    if (queue_.empty()) return std::nullopt;
    batch_.clear();
    cursor_ = 0;
    while (!queue_.empty() && static_cast<int>(batch_.size()) < batch_size_) {
      batch_.push_back(queue_.front());
      queue_.pop_front();
    }
    if (route_) return Step{Step::Kind::Route, -1, batch_};
    return next_step(records, view);
  }

  // A request that ended leaves the batch here, before its record may be retired.
  void on_step_done(const Step&, const RecordStore& records) override {
    while (cursor_ < batch_.size() && records[batch_[cursor_]].outcome != Outcome::Pending) ++cursor_;
  }

  // The current request decodes to its end whatever arrives meanwhile.
  Repeat repeats(const Step& step, const RecordStore&, TimePs) const override {
    return {step.kind == Step::Kind::Decode, false, kNever};
  }

  std::vector<int> upcoming_experts(const RecordStore& records, std::size_t max) const override {
    std::vector<int> out;
    const auto add = [&](std::int64_t id) {
      const RequestRecord& r = records[id];
      if (r.outcome != Outcome::Pending || r.routed_ps == kNever) return;
      const int e = r.request.expert;
      if (std::find(out.begin(), out.end(), e) == out.end()) out.push_back(e);
    };
    for (std::size_t i = cursor_ + 1; i < batch_.size() && out.size() < max; ++i) add(batch_[i]);
    return out;
  }

 private:
  std::string name_;
  int batch_size_;
  bool route_;
  std::deque<std::int64_t> queue_;
  std::vector<std::int64_t> batch_;
  std::size_t cursor_ = 0;
};

}  // namespace

std::vector<SchedulerKind> sequential_scheduler_kinds() {
  return {{{"samba-coe", "route up to batch_size queued prompts together, then run each in turn", {"batch_size"}},
           true,
           [](const SchedulerOptions& o) -> std::unique_ptr<Scheduler> {
             return std::make_unique<SequentialScheduler>("samba-coe", o.batch_size, o.route);
           }},
          {{"fcfs", "the same one request at a time", {}},
           true,
           [](const SchedulerOptions& o) -> std::unique_ptr<Scheduler> {
             return std::make_unique<SequentialScheduler>("fcfs", 1, o.route);
           }}};
}

}  // namespace coesim::serving
