// sjf (shortest job first): one request at a time, as fcfs, but the queued
// request with the fewest tokens to process (prompt + output) goes next;
// ties in arrival order. It reads each request's output length before it
// runs, which a real server cannot: an oracle bound on what length-aware
// ordering can gain over fcfs, as belady is for eviction. Non-preemptive: a
// request runs to its end whatever arrives meanwhile.
#include <algorithm>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "sim/serving/scheduler.h"

namespace coesim::serving {
namespace {

class ShortestJobScheduler : public Scheduler {
 public:
  std::string name() const override { return "sjf"; }
  void on_arrival(std::int64_t request) override { arrived_.push_back(request); }
  void on_rejected(std::int64_t request) override {
    std::erase(arrived_, request);
    if (const auto it = job_tokens_.find(request); it != job_tokens_.end()) {
      queue_.erase({it->second, request});
      job_tokens_.erase(it);
    }
    if (current_ == request) current_ = -1;
  }
  // One request at a time never needs preemption (see fcfs).
  void on_preempted(std::int64_t) override {}

  std::optional<Step> next_step(const RecordStore& records, const EngineView&) override {
    if (current_ >= 0 && records[current_].outcome != Outcome::Pending) current_ = -1;
    if (current_ < 0) {
      order_arrivals(records);
      if (queue_.empty()) return std::nullopt;
      current_ = queue_.begin()->second;
      queue_.erase(queue_.begin());
      job_tokens_.erase(current_);
    }
    const RequestRecord& r = records[current_];
    // Unrouted only when the experiment routes: the engine marks requests routed on arrival otherwise.
    if (r.routed_ps == kNever) return Step{Step::Kind::Route, -1, {current_}};
    return Step{r.cached_tokens == 0 ? Step::Kind::Prefill : Step::Kind::Decode, r.request.expert, {current_}};
  }

  void on_step_done(const Step&, const RecordStore& records) override {
    if (current_ >= 0 && records[current_].outcome != Outcome::Pending) current_ = -1;
  }

  Repeat repeats(const Step& step, const RecordStore&, TimePs) const override {
    return {step.kind == Step::Kind::Decode, false, kNever};
  }

 private:
  void order_arrivals(const RecordStore& records) {
    for (const std::int64_t id : arrived_) {
      const Request& q = records[id].request;
      job_tokens_[id] = q.input_tokens + q.output_tokens;
      queue_.insert({q.input_tokens + q.output_tokens, id});
    }
    arrived_.clear();
  }

  std::vector<std::int64_t> arrived_;                      // since the last choice, not yet ordered
  std::set<std::pair<std::int64_t, std::int64_t>> queue_;  // (tokens, request id)
  std::map<std::int64_t, std::int64_t> job_tokens_;        // request id -> its key in queue_
  std::int64_t current_ = -1;
};

}  // namespace

std::vector<SchedulerKind> shortest_job_scheduler_kinds() {
  return {
      {{"sjf", "one request at a time, fewest prompt + output tokens first (an oracle: it knows output lengths)", {}},
       true,
       [](const SchedulerOptions&) -> std::unique_ptr<Scheduler> { return std::make_unique<ShortestJobScheduler>(); }}};
}

}  // namespace coesim::serving
