#pragma once
// What an engine (one tensor-parallel group) does next: a plug-in chosen by
// name in the experiment file. The engine asks for a step whenever it is
// idle; it carries out the step (loading the step's expert first if needed)
// and reports back. Steps are iteration-level: a router pass, a prefill, or
// one decode step, each over a set of requests.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/config/kind_registry.h"
#include "sim/serving/record_store.h"
#include "sim/serving/request.h"

namespace coesim::serving {

// What the engine can tell a scheduler about experts, so it can prefer the
// ones that can run now.
class EngineView {
 public:
  virtual ~EngineView() = default;
  virtual TimePs now() const = 0;
  virtual bool resident(int expert) const = 0;  // copied in (not arriving)
  // Resident, arriving, or loadable now by evicting idle experts.
  virtual bool runnable(int expert) const = 0;
  // Fast-tier bytes per device a new KV cache on `expert` could take now
  // (free space plus idle experts other than it), and what one of `tokens`
  // tokens needs: admission control, so a request is let in only if it fits.
  virtual double kv_room_bytes(int expert) const = 0;
  virtual double kv_bytes(int expert, std::int64_t tokens) const = 0;
};

// Whether the decode step just chosen would be chosen again and again if
// nothing else happened (no arrival, no copy ending): the engine then runs
// those steps as one event, with the same times as step by step.
struct Repeat {
  bool repeats = false;
  bool until_next_event = true;  // it holds only until any other event
  TimePs until_ps = kNever;      // and only for steps ending by then (a deadline the scheduler watches)
};

struct Step {
  enum class Kind { Route, Prefill, Decode };
  Kind kind = Kind::Prefill;
  int expert = -1;                     // Prefill and Decode
  std::vector<std::int64_t> requests;  // indices into the records
};

class Scheduler {
 public:
  virtual ~Scheduler() = default;
  virtual std::string name() const = 0;
  virtual void on_arrival(std::int64_t request) = 0;
  // The next step, or none until something arrives.
  virtual std::optional<Step> next_step(const RecordStore& records, const EngineView& view) = 0;
  virtual void on_step_done(const Step& step, const RecordStore& records) = 0;
  // A request left the system early (rejected); forget it.
  virtual void on_rejected(std::int64_t request) = 0;
  // The engine dropped a running request's KV cache to make room; it must be
  // prefilled again (its prompt and the tokens it has produced) when rescheduled.
  virtual void on_preempted(std::int64_t request) = 0;
  // Optional: see Repeat; `step` is the decode step just chosen at `now_ps`.
  // By default no step repeats, so every decode step is its own event.
  virtual Repeat repeats(const Step& /*step*/, const RecordStore& /*records*/, TimePs /*now_ps*/) const { return {}; }
  // Optional: experts needed after the current one, soonest first, at most
  // `max` (prefetch hints). By default none, so nothing is prefetched.
  virtual std::vector<int> upcoming_experts(const RecordStore& /*records*/, std::size_t /*max*/) const { return {}; }
};

struct SchedulerOptions {
  std::string kind = "samba-coe";        // a name in scheduler_registry()
  int batch_size = 1;                    // samba-coe: prompts routed together; batching: most requests in a step
  std::int64_t max_batch_tokens = 8192;  // batching: most prompt tokens in one prefill step
  double max_wait_s = 1.0;               // expert-grouped: a request waiting longer goes next
  bool route = true;                     // run a router pass before serving
};

// A scheduler kind as the registry knows it: adding a scheduler is its own
// file, which returns its kinds, and a line in scheduler_registry.cpp.
struct SchedulerKind {
  config::KindInfo info;             // settings: of batch_size, max_batch_tokens, max_wait_s, those it reads
  bool runs_whole_requests = false;  // may run where the execution model times whole requests (latency tables)
  std::unique_ptr<Scheduler> (*make)(const SchedulerOptions&) = nullptr;
};

const config::KindRegistry<SchedulerKind>& scheduler_registry();

// Throws std::invalid_argument for an unknown kind or options out of range.
std::unique_ptr<Scheduler> make_scheduler(const SchedulerOptions& options);

}  // namespace coesim::serving
