#pragma once
// One tensor-parallel group of accelerators in a serving run (an "engine"):
// the steps it runs (router passes, prefills and decode steps), each after
// its expert is copied in and its requests' KV caches fit its fast tier
// (FastTierLedger), as its scheduler chooses; preemption when KV outgrows
// the tier.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/hw/platform.h"
#include "sim/hw/platform_network.h"
#include "sim/kernel/flow_network.h"
#include "sim/kernel/simulator.h"
#include "sim/serving/decode_run.h"
#include "sim/serving/eviction_policy.h"
#include "sim/serving/execution.h"
#include "sim/serving/fast_tier_ledger.h"
#include "sim/serving/record_store.h"
#include "sim/serving/run_context.h"
#include "sim/serving/scheduler.h"
#include "sim/serving/serving_simulation.h"
#include "sim/serving/tier_copier.h"

namespace coesim::serving {

// The copy of an expert into the fast tier, while it is Loading.
struct ExpertLoad {
  TimePs start_ps = 0;
  bool prefetch = false;
};

// One tensor-parallel group of accelerators serving experts: its own fast
// tier, scheduler and eviction policy.
class Engine : public EngineView {
 public:
  // Engine `index` (over all nodes) is group `group` of node `node`.
  Engine(const ServingSetup& s, RunContext& context, int index, int node, int group, int tp);
  // The dispatcher gave this engine a request that has just arrived.
  void accept(std::int64_t id);
  // Requests given to it and not yet finished or rejected.
  std::int64_t load() const { return assigned_ - ended_; }
  bool holds(int expert) const { return ledger_.residency(expert) != Residency::Absent; }
  TimePs now() const override { return sim_.now(); }
  bool resident(int expert) const override { return ledger_.residency(expert) == Residency::Resident; }
  bool runnable(int expert) const override;
  double kv_room_bytes(int expert) const override;
  double kv_bytes(int expert, std::int64_t tokens) const override { return kv_bytes_per_device(expert, tokens); }

 private:
  // ---- memory ----------------------------------------------------------
  double kv_bytes_per_device(int expert, std::int64_t tokens) const;
  void reserve_static_memory();
  // The expert and a KV cache of `kv_tokens` fit with every other expert evicted.
  bool fits_ever(int expert, std::int64_t kv_tokens) const;
  // ---- expert copies ---------------------------------------------------
  void start_load(int expert, bool prefetch);
  void expert_loaded(int expert);
  // A copy (expert or KV) ended: a step waiting for room or data retries.
  void copy_ended();
  // Copies a request's KV cache between the fast and the slow tier, one flow
  // per device of the group; when all have arrived the request's KV is
  // where it was going, and a waiting step retries.
  void start_kv_copy(std::int64_t id, bool out, double bytes_per_device);
  void try_prefetch();
  // ---- steps -----------------------------------------------------------
  // Requests arriving at the same time are all queued before the scheduler
  // chooses (a router batch takes every one of them): the kick runs last.
  void kick_after_arrivals();
  void kick();
  void execute();
  void run_route(Step& step);
  // Before computing, every request of the step needs its KV cache in the
  // fast tier with room for the step's new token: grown, swapped back in,
  // or (swap mode) waiting for a swap-out to free room. Re-run after each
  // copy ends until all are ready; then compute.
  void prepare_and_run(Step& step);
  void run_compute(Step& step);
  // KV blocks for the tokens the request's cache holds after its next step.
  bool grow_kv(const RequestRecord& r);
  void release_kv(const RequestRecord& r) { ledger_.release_kv(r.request.id, r.request.expert, sim_.now()); }
  enum class KvReady { Yes, Left, Wait };
  // Grows the request's KV while it does not fit by preempting the youngest
  // request holding KV (vLLM's rule): dropped to be recomputed, or swapped
  // out to the slow tier (the room comes when that copy ends: Wait). When
  // the request itself is the youngest it leaves the step (Left); when
  // nothing else holds KV it can never fit and is rejected (Left).
  KvReady ensure_kv(RequestRecord& r, Step& step);
  // The youngest request holding KV other than `keep`, preferring one outside
  // the current step; -1 if none.
  std::int64_t preemption_victim(std::int64_t keep, const Step& step) const;
  // Takes the request's KV (if any) out of the fast tier, dropping it
  // (recompute) or copying it to the slow tier (swap), and sends the request
  // back to its queue.
  void preempt(std::int64_t id, Step& step);
  // Decode steps that would repeat (the scheduler says so, nothing else
  // intervenes) run as one event: each step keeps its own time, and a run
  // stops where a request finishes. A step whose KV caches need another
  // block stops the run too, unless the run ends before any other event
  // (nothing can observe memory meanwhile) and the blocks fit in free
  // space: then they are charged now, each sampled at the start of the
  // step that needs it, as step by step would. Otherwise the step-by-step
  // path grows, evicts or preempts at that step.
  void run_decode(const Step& step, std::vector<std::int64_t> contexts, TimePs first_ps);
  void compute_done();
  void reject(std::int64_t id, std::string reason);
  void finish_step();
  void describe_model_choices();
  // Reports the engine's load (requests assigned, not ended) to the timeline.
  void timeline_load() const;

  const ServingSetup& setup_;
  const hw::Platform& platform_;
  Simulator& sim_;
  FlowNetwork& network_;
  hw::PlatformNetwork& resources_;
  RunContext& context_;
  ServingResult& result_;
  RecordStore& records_;
  int index_;
  int tp_;
  const Execution& exec_;  // the run's, shared by its engines
  struct EventKinds {
    EventKind kick;         // the engine asks its scheduler for a step (after the arrivals of an instant)
    EventKind router_pass;  // a router pass ended
    EventKind compute;      // a prefill ended (or a whole step timed by a latency table)
    EventKind decode_run;   // a decode step, or a run of coalesced ones, ended
    EventKind tp_compute;   // a step's compute before its all-reduce flows ended
  } kinds_;
  std::unique_ptr<EvictionPolicy> policy_;
  std::unique_ptr<Scheduler> scheduler_;
  std::vector<int> devices_;
  FastTierLedger ledger_;
  std::vector<ExpertLoad> loads_;  // per expert
  std::vector<LinkId> tp_links_;   // each device's TP link resource (empty: all-reduce bandwidth not modelled as flows)
  TierCopier copier_;              // expert loads and KV swaps, over the experiment's host-link mode
  std::vector<StepModel> step_models_;  // per expert
  DecodeRunPlanner decode_runs_;
  std::vector<DecodeRunRequest> run_requests_;  // scratch of run_decode
  std::optional<StepModel> router_step_model_;
  std::optional<Step> current_;
  TimePs compute_start_ps_ = 0;                            // of the current prefill or decode (run)
  std::pair<std::int64_t, std::int64_t> freed_at_choice_;  // (preemptions, evictions) when the step was chosen
  std::int64_t run_steps_ = 1;                             // decode steps the current compute covers
  // Ready: kick() may start a step; WaitingForCopy: the current step waits
  // for an expert load or KV swap (copy_ended() makes it Ready again);
  // Running: a router pass or compute of the current step is in flight.
  enum class State { Ready, WaitingForCopy, Running };
  State state_ = State::Ready;
  bool step_seen_ = false;
  bool kick_pending_ = false;
  TimePs last_kick_ps_ = -1;
  std::size_t kicks_at_this_time_ = 0;
  int loads_in_flight_ = 0;
  int swaps_in_flight_ = 0;
  std::int64_t assigned_ = 0;
  std::int64_t ended_ = 0;
};

}  // namespace coesim::serving
