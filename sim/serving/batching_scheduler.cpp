// Iteration-level batching over many experts. Each step runs one expert's
// batch: a prefill of newly admitted requests (prompt tokens up to a
// budget), or one decode step for all its running requests. Which expert
// goes next:
//   continuous      the one holding the oldest request (FCFS across experts);
//   expert-grouped  a resident expert first (oldest request first), so
//                   requests of experts already in the fast tier are served
//                   and batched together without switches; a request that
//                   has waited longer than max_wait_s makes its expert next,
//                   which bounds the wait of the others.
// Either way an expert that cannot run now (no room, nothing to evict) is
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

std::unique_ptr<Scheduler> make_sequential_scheduler(const SchedulerOptions& o);

namespace {

class BatchingScheduler : public Scheduler {
 public:
  BatchingScheduler(const SchedulerOptions& o, bool grouped) : o_(o), grouped_(grouped) {}

  std::string name() const override { return grouped_ ? "expert-grouped" : "continuous"; }

  void on_arrival(std::int64_t id) override { unrouted_.push_back(id); }

  void on_rejected(std::int64_t id) override {
    std::erase(unrouted_, id);
    for (auto& [e, q] : waiting_) std::erase(q, id);
    for (auto& [e, v] : running_) std::erase(v, id);
  }

  void on_preempted(std::int64_t id) override {
    for (auto& [e, v] : running_)
      if (std::erase(v, id) > 0) waiting_[e].push_front(id);
  }

  std::optional<Step> next_step(const std::vector<RequestRecord>& records, const EngineView& view) override {
    if (o_.route && !unrouted_.empty()) {
      Step s{Step::Kind::Route, -1, {}};
      while (!unrouted_.empty() && static_cast<int>(s.requests.size()) < o_.batch_size) {
        s.requests.push_back(unrouted_.front());
        unrouted_.pop_front();
      }
      return s;
    }
    if (!o_.route) {
      for (const std::int64_t id : unrouted_) waiting_[records[static_cast<std::size_t>(id)].request.expert].push_back(id);
      unrouted_.clear();
    }
    drop_finished(records);
    bool anything_running = false;
    for (const auto& [e, v] : running_) anything_running = anything_running || !v.empty();
    for (const int e : expert_order(records, view))
      if (std::optional<Step> step = step_for(e, records, view, !anything_running)) return step;
    return std::nullopt;
  }

  void on_step_done(const Step& step, const std::vector<RequestRecord>& records) override {
    if (step.kind != Step::Kind::Route) return;
    for (const std::int64_t id : step.requests) {
      const RequestRecord& r = records[static_cast<std::size_t>(id)];
      if (r.outcome == Outcome::Pending) waiting_[r.request.expert].push_back(id);
    }
  }

  // Only while this batch is the only work: nothing unrouted, nothing
  // waiting, no other expert running, and every running request of this
  // expert in the step; an arrival can change that, so runs stop at the
  // next event.
  bool repeats(const Step& step, bool& until_next_event) const override {
    until_next_event = true;
    if (step.kind != Step::Kind::Decode || !unrouted_.empty()) return false;
    for (const auto& [e, q] : waiting_)
      if (!q.empty()) return false;
    for (const auto& [e, v] : running_)
      if (e != step.expert ? !v.empty() : v.size() != step.requests.size()) return false;
    return true;
  }

  std::vector<int> upcoming_experts(const std::vector<RequestRecord>& records, std::size_t max) const override {
    // Experts with routed requests waiting and none running, oldest first.
    std::vector<std::pair<std::int64_t, int>> order;
    for (const auto& [e, q] : waiting_) {
      if (q.empty()) continue;
      const auto run = running_.find(e);
      if (run != running_.end() && !run->second.empty()) continue;
      order.emplace_back(oldest_arrival(q, records), e);
    }
    std::sort(order.begin(), order.end());
    std::vector<int> out;
    for (std::size_t i = 0; i < order.size() && i < max; ++i) out.push_back(order[i].second);
    return out;
  }

 private:
  static std::int64_t oldest_arrival(const std::deque<std::int64_t>& q, const std::vector<RequestRecord>& records) {
    std::int64_t best = INT64_MAX;
    for (const std::int64_t id : q) best = std::min(best, records[static_cast<std::size_t>(id)].request.arrival_ps);
    return best;
  }

  void drop_finished(const std::vector<RequestRecord>& records) {
    for (auto& [e, v] : running_)
      std::erase_if(v, [&](std::int64_t id) { return records[static_cast<std::size_t>(id)].outcome != Outcome::Pending; });
  }

  // (oldest arrival among its running and waiting requests, expert)
  std::vector<std::pair<TimePs, int>> candidates(const std::vector<RequestRecord>& records) const {
    std::map<int, TimePs> oldest;
    const auto note = [&](int e, std::int64_t id) {
      const TimePs t = records[static_cast<std::size_t>(id)].request.arrival_ps;
      const auto it = oldest.find(e);
      if (it == oldest.end() || t < it->second) oldest[e] = t;
    };
    for (const auto& [e, v] : running_)
      for (const std::int64_t id : v) note(e, id);
    for (const auto& [e, q] : waiting_)
      for (const std::int64_t id : q) note(e, id);
    std::vector<std::pair<TimePs, int>> out;
    for (const auto& [e, t] : oldest) out.emplace_back(t, e);
    std::sort(out.begin(), out.end());
    return out;
  }

  // Experts in the order they should be tried: see the file comment.
  std::vector<int> expert_order(const std::vector<RequestRecord>& records, const EngineView& view) const {
    const std::vector<std::pair<TimePs, int>> all = candidates(records);
    std::vector<int> order;
    const auto add = [&order](int e) {
      if (std::find(order.begin(), order.end(), e) == order.end()) order.push_back(e);
    };
    if (grouped_) {
      // The request queued longest, if longer than max_wait_s, goes first.
      std::optional<std::pair<TimePs, int>> overdue;
      for (const auto& [e, q] : waiting_)
        for (const std::int64_t id : q) {
          const RequestRecord& r = records[static_cast<std::size_t>(id)];
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
  std::optional<Step> step_for(int e, const std::vector<RequestRecord>& records, const EngineView& view, bool force) {
    std::vector<std::int64_t>& run = running_[e];
    std::deque<std::int64_t>& wait = waiting_[e];
    // Admission: in queue order while the batch has room and the new KV
    // caches fit (the first one always, if nothing runs: the engine rejects
    // it if it can never fit).
    double room = view.kv_room_bytes(e);
    for (const std::int64_t id : run) {
      const RequestRecord& r = records[static_cast<std::size_t>(id)];
      if (r.cached_tokens == 0) room -= view.kv_bytes(e, r.request.input_tokens + r.tokens_out + 1);
    }
    while (!wait.empty() && static_cast<int>(run.size()) < o_.batch_size) {
      const RequestRecord& r = records[static_cast<std::size_t>(wait.front())];
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
      const RequestRecord& r = records[static_cast<std::size_t>(id)];
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
  bool grouped_;
  std::deque<std::int64_t> unrouted_;
  std::map<int, std::deque<std::int64_t>> waiting_;
  std::map<int, std::vector<std::int64_t>> running_;
};

}  // namespace

const std::vector<std::string>& scheduler_names() {
  static const std::vector<std::string> names{"samba-coe", "fcfs", "continuous", "expert-grouped"};
  return names;
}

std::unique_ptr<Scheduler> make_scheduler(const SchedulerOptions& o) {
  if (o.batch_size < 1) throw std::invalid_argument("scheduler batch size must be >= 1");
  if (o.max_batch_tokens < 1) throw std::invalid_argument("scheduler max_batch_tokens must be >= 1");
  if (o.kind == "samba-coe" || o.kind == "fcfs") return make_sequential_scheduler(o);
  if (o.kind == "continuous") return std::make_unique<BatchingScheduler>(o, false);
  if (o.kind == "expert-grouped") return std::make_unique<BatchingScheduler>(o, true);
  throw std::invalid_argument("unknown scheduler '" + o.kind + "'");
}

}  // namespace coesim::serving
