// Iteration-level batching over many experts. Each step runs one expert's
// batch: a prefill of newly admitted requests (prompt tokens up to a
// budget), or one decode step for all its running requests. Which expert
// goes next:
//   continuous      the one holding the oldest request (FCFS across experts);
//   expert-grouped  a resident expert first (oldest request first), so
//                   requests of experts already in the fast tier are served
//                   and batched together without switches; a request that
//                   has waited longer than max_wait_s makes its expert next,
//                   which bounds the wait of the others;
//   round-robin     the experts with requests in turn, one step each, in
//                   expert order from the one after the last step's: an
//                   engine time-slicing its experts, so every expert's
//                   requests progress in every round (with a switch per
//                   step when they do not all fit).
// In every order an expert that cannot run now (no room, nothing to evict) is
// passed over while another can run, and a request is admitted only when its
// KV cache fits (unless nothing runs at all). Routed requests are admitted in
// arrival order; a preempted request goes back to the head of its expert's
// queue.
#include <algorithm>
#include <deque>
#include <map>
#include <stdexcept>

#include "sim/serving/scheduler.h"

namespace coesim::serving {

namespace {

class BatchingScheduler : public Scheduler {
 public:
  enum class Order { OldestFirst, ResidentFirst, RoundRobin };

  BatchingScheduler(const SchedulerOptions& o, Order order) : o_(o), order_kind_(order) {}

  std::string name() const override {
    switch (order_kind_) {
      case Order::OldestFirst:
        return "continuous";
      case Order::ResidentFirst:
        return "expert-grouped";
      case Order::RoundRobin:
        return "round-robin";
    }
    return "";
  }

  void on_arrival(std::int64_t id) override { unrouted_.push_back(id); }

  void on_rejected(std::int64_t id) override {
    std::erase(unrouted_, id);
    for (const int e : active_) {
      Queue& q = queues_[static_cast<std::size_t>(e)];
      std::erase(q.waiting, id);
      std::erase(q.running, id);
    }
    forget_idle();
  }

  void on_preempted(std::int64_t id) override {
    for (const int e : active_) {
      Queue& q = queues_[static_cast<std::size_t>(e)];
      if (std::erase(q.running, id) > 0) enqueue(q, id);
    }
  }

  std::optional<Step> next_step(const RecordStore& records, const EngineView& view) override {
    if (o_.route && !unrouted_.empty()) {
      Step s{Step::Kind::Route, -1, {}};
      while (!unrouted_.empty() && static_cast<int>(s.requests.size()) < o_.batch_size) {
        s.requests.push_back(unrouted_.front());
        unrouted_.pop_front();
      }
      return s;
    }
    if (!o_.route) {
      for (const std::int64_t id : unrouted_) queue_to_fill(records[id].request.expert).waiting.push_back(id);
      unrouted_.clear();
    }
    bool anything_running = false;
    for (const int e : active_)
      anything_running = anything_running || !queues_[static_cast<std::size_t>(e)].running.empty();
    std::optional<Step> step;
    for (const int e : expert_order(records, view, order_))
      if ((step = step_for(e, records, view, !anything_running))) break;
    if (step) last_expert_ = step->expert;
    forget_idle();
    return step;
  }

  // Requests that ended leave here, before their records may be retired.
  void on_step_done(const Step& step, const RecordStore& records) override {
    if (step.kind != Step::Kind::Route) {
      if (has_queue(step.expert))
        std::erase_if(queues_[static_cast<std::size_t>(step.expert)].running,
                      [&](std::int64_t id) { return records[id].outcome != Outcome::Pending; });
      forget_idle();
      return;
    }
    for (const std::int64_t id : step.requests) {
      const RequestRecord& r = records[id];
      if (r.outcome == Outcome::Pending) queue_to_fill(r.request.expert).waiting.push_back(id);
    }
  }

  // A decode step was chosen: the experts ahead of its expert in the order
  // had no step, and its own admitted nothing. Without events that stays
  // so: the order depends on arrivals, residency and memory, which only
  // events (or the KV growth the engine watches) change, and, for
  // expert-grouped, on time: a waiting request becoming overdue reorders
  // the experts, so runs stop at the first such moment. A waiting request of
  // the step's expert that could still join its batch stops the run too.
  // Round-robin moves on to the next expert after every step, so its steps
  // repeat only while one expert has requests.
  Repeat repeats(const Step& step, const RecordStore& records, TimePs now_ps) const override {
    if (step.kind != Step::Kind::Decode || !unrouted_.empty() || !has_queue(step.expert)) return {};
    const Queue& own = queues_[static_cast<std::size_t>(step.expert)];
    if (own.running.size() != step.requests.size() ||
        (!own.waiting.empty() && static_cast<int>(own.running.size()) < o_.batch_size))
      return {};
    if (order_kind_ == Order::RoundRobin && active_.size() > 1) return {};
    Repeat r{true, true, kNever};
    if (order_kind_ != Order::ResidentFirst || !fits_in_simulated_time(o_.max_wait_s))
      return r;  // no request can become overdue in simulated time
    // One picosecond early, so rounding in the overdue test cannot matter.
    const TimePs wait_ps = seconds_to_ps_round(o_.max_wait_s) - 1;
    for (const int e : active_) {
      const Queue& q = queues_[static_cast<std::size_t>(e)];
      if (q.waiting.empty()) continue;
      const TimePs queued_ps = records[q.waiting.front()].queued_ps;
      if (wait_ps > 0 && queued_ps > kTimeMaxPs - wait_ps) continue;  // overdue only after simulated time ends
      const TimePs overdue_ps = queued_ps + wait_ps;
      if (overdue_ps >= now_ps && (r.until_ps == kNever || overdue_ps < r.until_ps)) r.until_ps = overdue_ps;
    }
    return r;
  }

  std::vector<int> upcoming_experts(const RecordStore& records, std::size_t max) const override {
    // Experts with routed requests waiting and none running, oldest first.
    std::vector<std::pair<std::int64_t, int>> order;
    for (const int e : active_)
      if (const Queue& q = queues_[static_cast<std::size_t>(e)]; !q.waiting.empty() && q.running.empty())
        order.emplace_back(records[q.waiting.front()].request.arrival_ps, e);
    std::sort(order.begin(), order.end());
    std::vector<int> out;
    for (std::size_t i = 0; i < order.size() && i < max; ++i) out.push_back(order[i].second);
    return out;
  }

 private:
  // One expert's requests. `waiting` is kept in id order, which is arrival
  // and routing order, so its front is the one queued longest.
  struct Queue {
    std::deque<std::int64_t> waiting;
    std::vector<std::int64_t> running;  // admitted: at most batch_size
  };

  // A preempted request goes back ahead of every younger waiting request.
  static void enqueue(Queue& q, std::int64_t id) {
    q.waiting.insert(std::lower_bound(q.waiting.begin(), q.waiting.end(), id), id);
  }

  // Only experts with requests are active, so each step looks at those, not
  // at every expert; queues stay allocated for the next time.
  void forget_idle() {
    std::erase_if(active_, [&](int e) {
      const Queue& q = queues_[static_cast<std::size_t>(e)];
      return q.waiting.empty() && q.running.empty();
    });
  }
  bool has_queue(int e) const { return static_cast<std::size_t>(e) < queues_.size(); }
  // The expert's queue, made active (kept in expert order) for a request to join.
  Queue& queue_to_fill(int e) {
    if (!has_queue(e)) queues_.resize(static_cast<std::size_t>(e) + 1);
    const auto at = std::lower_bound(active_.begin(), active_.end(), e);
    if (at == active_.end() || *at != e) active_.insert(at, e);
    return queues_[static_cast<std::size_t>(e)];
  }

  // (oldest arrival among its running and waiting requests, expert)
  void candidates(const RecordStore& records, std::vector<std::pair<TimePs, int>>& out) const {
    out.clear();
    for (const int e : active_) {
      const Queue& q = queues_[static_cast<std::size_t>(e)];
      TimePs oldest = INT64_MAX;
      if (!q.waiting.empty()) oldest = records[q.waiting.front()].request.arrival_ps;
      for (const std::int64_t id : q.running) oldest = std::min(oldest, records[id].request.arrival_ps);
      if (oldest != INT64_MAX) out.emplace_back(oldest, e);
    }
    std::sort(out.begin(), out.end());
  }

  // Experts in the order they should be tried: see the file comment.
  // Fills `order` (a member reused from step to step: no allocation per step).
  const std::vector<int>& expert_order(const RecordStore& records, const EngineView& view, std::vector<int>& order) {
    order.clear();
    const auto add = [&order](int e) {
      if (std::find(order.begin(), order.end(), e) == order.end()) order.push_back(e);
    };
    if (order_kind_ == Order::RoundRobin) {
      // Experts after the last step's first, then from the lowest; those
      // that can run now first, as in every order.
      const auto next = std::upper_bound(active_.begin(), active_.end(), last_expert_);
      cycle_.assign(next, active_.end());
      cycle_.insert(cycle_.end(), active_.begin(), next);
      for (const int e : cycle_)
        if (view.runnable(e)) add(e);
      for (const int e : cycle_) add(e);
      return order;
    }
    candidates(records, candidates_);
    const std::vector<std::pair<TimePs, int>>& all = candidates_;
    if (order_kind_ == Order::ResidentFirst) {
      // The request queued longest, if longer than max_wait_s, goes first.
      std::optional<std::pair<TimePs, int>> overdue;
      for (const int e : active_) {
        const Queue& q = queues_[static_cast<std::size_t>(e)];
        if (q.waiting.empty()) continue;
        const RequestRecord& r = records[q.waiting.front()];
        if (to_seconds(view.now() - r.queued_ps) > o_.max_wait_s && view.runnable(e) &&
            (!overdue || r.queued_ps < overdue->first))
          overdue = std::pair(r.queued_ps, e);
      }
      if (overdue) add(overdue->second);
      for (const auto& [t, e] : all)
        if (view.resident(e)) add(e);
    }
    for (const auto& [t, e] : all)
      if (view.runnable(e)) add(e);
    for (const auto& [t, e] : all) add(e);  // cannot run now: the engine waits or preempts
    return order;
  }

  // The expert's next step, or none when it has nothing admitted. `force`
  // admits the first waiting request even if its KV does not seem to fit
  // (nothing runs anywhere, so nothing will free room; the engine rejects
  // it if it can never fit).
  std::optional<Step> step_for(int e, const RecordStore& records, const EngineView& view, bool force) {
    std::vector<std::int64_t>& run = queues_[static_cast<std::size_t>(e)].running;
    std::deque<std::int64_t>& wait = queues_[static_cast<std::size_t>(e)].waiting;
    // Admission: in queue order while the batch has room and the new KV
    // caches fit (the first one always, if nothing runs: the engine rejects
    // it if it can never fit).
    double room = view.kv_room_bytes(e);
    for (const std::int64_t id : run) {
      const RequestRecord& r = records[id];
      if (r.cached_tokens == 0) room -= view.kv_bytes(e, r.request.input_tokens + r.tokens_out + 1);
    }
    while (!wait.empty() && static_cast<int>(run.size()) < o_.batch_size) {
      const RequestRecord& r = records[wait.front()];
      const double need = view.kv_bytes(e, r.request.input_tokens + r.tokens_out + 1);
      if (need > room && !(run.empty() && force)) break;
      room -= need;
      run.push_back(wait.front());
      wait.pop_front();
    }
    // Requests without a KV cache (new or preempted) are prefilled first,
    // within the prompt-token budget (at least one, however long).
    Step prefill{Step::Kind::Prefill, e, {}};
    std::int64_t tokens = 0;
    for (const std::int64_t id : run) {
      const RequestRecord& r = records[id];
      if (r.cached_tokens > 0) continue;
      const std::int64_t need = r.request.input_tokens + r.tokens_out;
      if (!prefill.requests.empty() && tokens + need > o_.max_batch_tokens) break;
      prefill.requests.push_back(id);
      tokens += need;
    }
    if (!prefill.requests.empty()) return prefill;
    if (run.empty()) return std::nullopt;
    return Step{Step::Kind::Decode, e, run};
  }

  SchedulerOptions o_;
  Order order_kind_;
  int last_expert_ = -1;    // of the last step chosen (round-robin continues after it)
  std::vector<int> cycle_;  // scratch of expert_order
  std::deque<std::int64_t> unrouted_;
  std::vector<Queue> queues_;                       // by expert
  std::vector<int> active_;                         // experts with requests waiting or running, ascending
  std::vector<std::pair<TimePs, int>> candidates_;  // scratch of expert_order
  std::vector<int> order_;                          // scratch of next_step
};

}  // namespace

std::vector<SchedulerKind> batching_scheduler_kinds() {
  using Order = BatchingScheduler::Order;
  const std::vector<std::string> batching = {"batch_size", "max_batch_tokens"};
  std::vector<std::string> grouped = batching;
  grouped.push_back("max_wait_s");
  return {{{"continuous", "iteration-level batching of each expert's requests, experts served oldest request first",
            batching},
           false,
           [](const SchedulerOptions& o) -> std::unique_ptr<Scheduler> {
             return std::make_unique<BatchingScheduler>(o, Order::OldestFirst);
           }},
          {{"expert-grouped", "the same, serving resident experts first (bounded by max_wait_s)", grouped},
           false,
           [](const SchedulerOptions& o) -> std::unique_ptr<Scheduler> {
             return std::make_unique<BatchingScheduler>(o, Order::ResidentFirst);
           }},
          {{"round-robin", "the same, experts with requests served one step each in turn", batching},
           false,
           [](const SchedulerOptions& o) -> std::unique_ptr<Scheduler> {
             return std::make_unique<BatchingScheduler>(o, Order::RoundRobin);
           }}};
}

}  // namespace coesim::serving
