#pragma once
// One serving run: requests arrive, are routed (the router model's prefill
// on the accelerators), queue, wait for their expert to be copied into the
// fast tier if it is not there (a flow over the platform's links, sharing
// them with every other copy), run prefill and decode steps timed by the
// ExecutionModel, and hold KV cache blocks while they run. The fast tier's
// capacity is accounted for every byte: router weights, workspace, expert
// weights (resident or arriving) and KV blocks. Every request ends finished
// or rejected with a reason.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sim/config/named_enum.h"
#include "sim/hw/platform.h"
#include "sim/llm/model_spec.h"
#include "sim/serving/eviction_policy.h"
#include "sim/serving/request.h"
#include "sim/serving/scheduler.h"
#include "sim/serving/timeline.h"

namespace coesim::serving {

// When KV caches outgrow the fast tier, the youngest request's is dropped and
// recomputed later, or copied to the slow tier and back (over a fast->slow route).
enum class KvPreemption { Recompute, Swap };
inline constexpr config::NamedEnum<KvPreemption, 2> kKvPreemptions{
    {{{KvPreemption::Recompute, "recompute"}, {KvPreemption::Swap, "swap"}}}};

// Where experts may run in a cluster: on every node, or expert e only on node e mod nodes.
enum class Placement { Everywhere, Partitioned };
inline constexpr config::NamedEnum<Placement, 2> kPlacements{
    {{{Placement::Everywhere, "everywhere"}, {Placement::Partitioned, "partitioned"}}}};

// A request whose input + output exceeds its expert's max_context_tokens:
// rejected (reason context_too_long, as serving engines refuse it) or
// truncated (output first, then input, to fit).
enum class ContextLimit { Reject, Truncate };
inline constexpr config::NamedEnum<ContextLimit, 2> kContextLimits{
    {{{ContextLimit::Reject, "reject"}, {ContextLimit::Truncate, "truncate"}}}};

struct ServingSetup {
  const hw::Platform* platform = nullptr;
  std::string host_link_mode;  // empty: the platform's default
  int tensor_parallel = 0;     // 0: the platform's
  std::vector<std::string> expert_names;
  std::vector<const llm::ModelSpec*> expert_models;  // one per expert
  const llm::ModelSpec* router_model = nullptr;      // null: routing costs nothing
  double workspace_bytes_per_device = 0;
  int kv_block_tokens = 16;
  KvPreemption kv_preemption = KvPreemption::Recompute;
  EvictionOptions eviction;
  bool prefetch = false;
  SchedulerOptions scheduler;
  bool record_token_times = false;
  double link_bucket_s = 0.1;  // time bucket of the link utilisation series
  std::string dispatcher =
      "round-robin";  // with several engines (accelerators / TP of them): a dispatcher_registry() name
  // A cluster of identical nodes of the platform (e.g. 4 x DGX H100).
  int nodes = 1;
  Placement placement = Placement::Everywhere;
  ContextLimit context_limit = ContextLimit::Reject;
  // How many requests end between two hand-overs of rows to the sink
  // (ServingRun): larger parts mean fewer, bigger writes; memory holds
  // about this many finished rows.
  std::int64_t part_requests = 4096;
  // Run a decode step that would repeat unchanged as one event (Repeat):
  // an optimisation only; off, every step is its own event, with the same
  // rows (a property test checks it).
  bool coalesce_decode_runs = true;
  // Where the engines report what they do and when (null: nowhere); an
  // output, like the sink, not a setting of the run.
  TimelineRecorder* timeline = nullptr;
};

struct ExpertStats {
  std::string name;  // the experiment's name for it
  std::int64_t requests = 0;
  std::int64_t hits = 0;        // prefills that found the expert resident
  std::int64_t switches = 0;    // copies into the fast tier (demand and prefetch)
  std::int64_t prefetches = 0;  // of which started ahead of need
  std::int64_t evictions = 0;
  std::uint64_t bytes_moved = 0;
};

// A router pass and the requests it covered (samba-coe's batches).
struct BatchRecord {
  TimePs start_ps = 0;
  TimePs end_ps = 0;  // the last of its requests finished or was rejected
  std::vector<std::int64_t> requests;
};

// One copy of an expert into the fast tier (rows in the order copies end).
struct SwitchRecord {
  int expert = 0;
  TimePs start_ps = 0;
  TimePs end_ps = 0;
  bool prefetch = false;
};

// One KV cache copied out to the slow tier or back (per device bytes).
struct KvSwapRecord {
  std::int64_t request = 0;
  bool out = true;  // fast -> slow; false: back in
  double bytes_per_device = 0;
  TimePs start_ps = 0;
  TimePs end_ps = kNever;
};

// The fast tier's use per device after each change (the last change at a time).
struct OccupancySample {
  TimePs time_ps = 0;
  int engine = 0;
  double used_bytes = 0;
};

// A bandwidth resource of one node: a tier or a link instance.
struct ResourceInfo {
  std::string name;  // e.g. "node1/pcie[3]" ("pcie[3]" with one node)
  double bandwidth_bytes_per_s = 0;
};

struct ServingResult {
  std::vector<RequestRecord> requests;
  std::vector<ExpertStats> experts;
  std::vector<BatchRecord> batches;
  std::vector<SwitchRecord> switches;
  std::vector<KvSwapRecord> kv_swaps;
  std::vector<OccupancySample> occupancy;
  std::vector<ResourceInfo> resources;
  // Utilisation of each resource per time bucket: bytes through it in the
  // bucket / (bandwidth x bucket), [resource][bucket]. Buckets of a fixed
  // length keep memory bounded however many copies run.
  double link_bucket_s = 0;
  std::vector<std::vector<double>> link_utilisation;
  std::size_t link_first_bucket = 0;  // bucket index of link_utilisation[k][0] (a streamed part starts later)
  TimePs end_ps = 0;
  std::int64_t preemptions = 0;        // KV caches dropped (recompute) or swapped out (swap) to make room
  std::int64_t context_rejected = 0;   // longer than the expert's context, rejected (context_limit reject)
  std::int64_t context_truncated = 0;  // longer than the expert's context, truncated to it (context_limit truncate)
  std::uint64_t events = 0;
  std::vector<std::pair<std::string, std::uint64_t>> events_by_kind;  // Simulator::events_by_kind
  std::uint64_t trace_hash = 0;
  double fast_tier_capacity_bytes_per_device = 0;
  double peak_fast_tier_used_bytes_per_device = 0;
  double expert_bytes_per_device_max = 0;  // largest expert shard
  int experts_that_fit = 0;                // equal-size experts the fast tier holds beside router and workspace
  std::vector<std::string> notes;          // modelling choices the reader should know (e.g. no TP link)
};

class ResultSink;

// A run fed one request at a time, in arrival order with ids 0, 1, 2, ...:
// the simulation advances to each arrival as it comes, and rows go to the
// sink as they become final, so a trace of any length replays in bounded
// memory. finish() runs to the end and returns the whole-run figures
// (experts, resources, end time, events, notes) with no rows: those all went
// to the sink. Belady needs setup.eviction.future_uses given up front.
// Throws config::UsageError for a setup that cannot run (router and
// workspace larger than the fast tier, a TP degree or host-link mode the
// platform lacks), std::invalid_argument for a request out of order or
// naming no expert of the run.
class ServingRun {
 public:
  ServingRun(const ServingSetup& setup, ResultSink& sink);
  ~ServingRun();
  ServingRun(const ServingRun&) = delete;
  ServingRun& operator=(const ServingRun&) = delete;
  void add(Request request);
  ServingResult finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A whole run in memory: every row in the result. Fills Belady's future
// from `requests` when the setup has none.
ServingResult run_serving(const ServingSetup& setup, std::vector<Request> requests);

}  // namespace coesim::serving
