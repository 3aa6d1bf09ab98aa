#include "sim/serving/serving_simulation.h"

#include <algorithm>
#include <deque>
#include <map>
#include <utility>
#include <cmath>
#include <memory>
#include <optional>
#include <stdexcept>
#include <unordered_map>

#include <fmt/format.h>

#include "sim/config/config_error.h"
#include "sim/hw/platform_network.h"
#include "sim/kernel/flow_network.h"
#include "sim/kernel/invariants.h"
#include "sim/kernel/simulator.h"
#include "sim/llm/kv_cache_size.h"
#include "sim/llm/model_size.h"
#include "sim/serving/execution_model.h"
#include "sim/serving/latency_table.h"
#include "sim/serving/record_store.h"
#include "sim/serving/result_sink.h"

namespace coesim::serving {
namespace {

enum class Residency { Absent, Loading, Resident };

struct ExpertState {
  Residency residency = Residency::Absent;
  int active_requests = 0;  // holding KV on this expert: cannot be evicted
  TimePs load_start_ps = 0;
  std::int64_t shards_pending = 0;
  bool load_is_prefetch = false;
};

// What every engine of a run shares: the clock, the network of links and
// tiers (copies from all engines contend on it), the records of requests in
// flight, and the result. `result` holds the rows not yet handed to the
// sink; flush() hands over those that can no longer change.
struct Shared {
  Shared(const hw::Platform& platform, int nodes, double link_bucket_s, ResultSink& result_sink,
         std::int64_t part_requests)
      : network(sim), sink(result_sink), flush_every_requests(part_requests) {
    if (!(link_bucket_s > 0)) throw std::invalid_argument("serving: link_bucket_s must be > 0");
    if (part_requests < 1) throw std::invalid_argument("serving: part_requests must be >= 1");
    result.link_bucket_s = link_bucket_s;
    bucket_ps = seconds_to_ps_round(link_bucket_s);
    if (bucket_ps < 1) throw std::invalid_argument("serving: link_bucket_s below a picosecond");
    for (int n = 0; n < nodes; ++n) {
      node_resources.push_back(std::make_unique<hw::PlatformNetwork>(platform, network));
      for (const LinkId id : node_resources.back()->resources()) {
        resource_index[id] = static_cast<int>(result.resources.size());
        const std::string name = network.link_name(id);
        result.resources.push_back({nodes > 1 ? fmt::format("node{}/{}", n, name) : name,
                                    network.link_bandwidth_bytes_per_s(id)});
      }
    }
    last_load.assign(result.resources.size(), 0.0);
    last_change.assign(result.resources.size(), 0);
    result.link_utilisation.resize(result.resources.size());
  }

  // Folds each resource's load since its last change into the utilisation
  // buckets, once per instant, after the network has re-shared (this runs
  // last at its time); a load holds until the next change.
  void sample_links_later() {
    if (sample_pending) return;
    sample_pending = true;
    sim.schedule_in(0, [this] {
      sample_pending = false;
      for (const auto& [id, index] : resource_index) {
        const double load = network.link_load_bytes_per_s(id);
        const auto k = static_cast<std::size_t>(index);
        if (load == last_load[k]) continue;
        accumulate(k, sim.now());
        last_load[k] = load;
      }
    }, Simulator::kPriorityLast);
  }

  // Adds resource k's bytes at its current load from its last change to
  // `until_ps` into the buckets not yet flushed.
  void accumulate(std::size_t k, TimePs until_ps) {
    std::vector<double>& buckets = result.link_utilisation[k];
    TimePs t = last_change[k];
    last_change[k] = until_ps;
    if (last_load[k] == 0.0) return;
    const double per_ps = last_load[k] / result.resources[k].bandwidth_bytes_per_s / static_cast<double>(bucket_ps);
    while (t < until_ps) {
      const auto b = static_cast<std::size_t>(t / bucket_ps);
      const TimePs end = std::min(until_ps, static_cast<TimePs>(b + 1) * bucket_ps);
      const std::size_t i = b - result.link_first_bucket;
      if (buckets.size() <= i) buckets.resize(i + 1, 0.0);
      buckets[i] += per_ps * static_cast<double>(end - t);
      t = end;
    }
  }

  // A router pass over `requests`: its row is final once they have all ended.
  void open_batch(const std::vector<std::int64_t>& requests) {
    const std::int64_t number = first_open_batch + static_cast<std::int64_t>(open_batches.size());
    open_batches.push_back({{sim.now(), 0, requests}, static_cast<std::int64_t>(requests.size())});
    for (const std::int64_t id : requests) batch_of[id] = number;
  }

  // A request ended: its record leaves once every older one has, at a
  // flush, which runs last at its instant so no engine still holds it.
  void request_ended() {
    if (++ended_since_flush < flush_every_requests || flush_pending) return;
    flush_pending = true;
    sim.schedule_in(0, [this] {
      flush_pending = false;
      flush(sim.now());
    }, Simulator::kPriorityLast);
  }

  // Hands the sink every row final at `now_ps`: records that ended (and all
  // older ones), batches whose requests all left, switches and KV copies
  // that ended, fast-tier samples before `now_ps` (a sample at `now_ps` may
  // still change), and link buckets that ended by `now_ps`.
  void flush(TimePs now_ps) {
    ended_since_flush = 0;
    ServingResult part;
    while (!records.empty() && records.front().outcome != Outcome::Pending) {
      RequestRecord r = records.take_front();
      if (const auto it = batch_of.find(r.request.id); it != batch_of.end()) {
        OpenBatch& b = open_batches[static_cast<std::size_t>(it->second - first_open_batch)];
        b.row.end_ps = std::max(b.row.end_ps, r.finish_ps);
        --b.remaining;
        batch_of.erase(it);
      }
      part.requests.push_back(std::move(r));
    }
    while (!open_batches.empty() && open_batches.front().remaining == 0) {
      part.batches.push_back(std::move(open_batches.front().row));
      open_batches.pop_front();
      ++first_open_batch;
    }
    part.switches = std::exchange(result.switches, {});
    part.kv_swaps = std::exchange(result.kv_swaps, {});
    auto& samples = result.occupancy;
    const auto final_end = std::find_if(samples.begin(), samples.end(),
                                        [&](const OccupancySample& o) { return o.time_ps >= now_ps; });
    part.occupancy.assign(samples.begin(), final_end);
    samples.erase(samples.begin(), final_end);
    const std::size_t done = static_cast<std::size_t>(now_ps / bucket_ps);  // buckets before now's
    part.link_bucket_s = result.link_bucket_s;
    part.link_first_bucket = result.link_first_bucket;
    part.link_utilisation.resize(result.link_utilisation.size());
    if (done > result.link_first_bucket) {
      const std::size_t n = done - result.link_first_bucket;
      // Folding loads in up to a bucket boundary splits no bucket's sum, so
      // the series is the same bits whatever the part size.
      const TimePs boundary_ps = static_cast<TimePs>(done) * bucket_ps;
      for (std::size_t k = 0; k < result.link_utilisation.size(); ++k) {
        if (last_change[k] < boundary_ps) accumulate(k, boundary_ps);
        std::vector<double>& buckets = result.link_utilisation[k];
        buckets.resize(std::max(buckets.size(), n), 0.0);
        part.link_utilisation[k].assign(buckets.begin(), buckets.begin() + static_cast<std::ptrdiff_t>(n));
        buckets.erase(buckets.begin(), buckets.begin() + static_cast<std::ptrdiff_t>(n));
      }
      result.link_first_bucket = done;
    }
    sink.append(part);
  }

  // The end of the run: every row is final, and the link series runs to the
  // bucket holding `end_ps`.
  void finish(TimePs end_ps) {
    for (std::size_t k = 0; k < last_load.size(); ++k) accumulate(k, end_ps);
    flush(end_ps);
    if (!records.empty())
      throw std::logic_error(fmt::format("serving: request {} never finished (simulator bug)", records.front().request.id));
    if (!open_batches.empty()) throw std::logic_error("serving: a router batch never ended (simulator bug)");
    ServingResult last;
    last.link_bucket_s = result.link_bucket_s;
    last.link_first_bucket = result.link_first_bucket;
    const std::size_t buckets = static_cast<std::size_t>(end_ps / bucket_ps) + 1 - result.link_first_bucket;
    last.link_utilisation = std::move(result.link_utilisation);
    for (std::vector<double>& row : last.link_utilisation) row.resize(buckets, 0.0);
    last.occupancy = std::exchange(result.occupancy, {});
    sink.append(last);
    result.link_utilisation.assign(last.link_utilisation.size(), {});
    result.link_first_bucket += buckets;
  }

  struct OpenBatch {
    BatchRecord row;
    std::int64_t remaining = 0;  // its requests still in flight
  };

  Simulator sim;
  FlowNetwork network;
  // One copy of the platform's tiers and links per node: nodes share nothing
  // but the clock (experts live in every node's slow tier).
  std::vector<std::unique_ptr<hw::PlatformNetwork>> node_resources;
  RecordStore records;
  ServingResult result;
  ResultSink& sink;
  std::int64_t flush_every_requests;
  std::int64_t ended_since_flush = 0;
  bool flush_pending = false;
  std::deque<OpenBatch> open_batches;
  std::int64_t first_open_batch = 0;
  std::unordered_map<std::int64_t, std::int64_t> batch_of;  // request -> its open batch
  std::optional<LatencyTable> table;
  std::map<LinkId, int> resource_index;  // ordered: samples come out in a fixed order
  std::vector<double> last_load;
  std::vector<TimePs> last_change;
  TimePs bucket_ps = 1;
  bool sample_pending = false;
};

// One tensor-parallel group of accelerators serving experts: its own fast
// tier (capacity, residency, KV caches), scheduler and eviction policy.
class Engine : public EngineView {
 public:
  // Engine `index` (over all nodes) is group `group` of node `node`.
  Engine(const ServingSetup& s, Shared& shared, int index, int node, int group, int tp)
      : setup_(s),
        platform_(*s.platform),
        sim_(shared.sim),
        network_(shared.network),
        resources_(*shared.node_resources[static_cast<std::size_t>(node)]),
        shared_(shared),
        result_(shared.result),
        records_(shared.records),
        table_(shared.table),
        index_(index),
        tp_(tp),
        exec_(TpGroupHardware::of(platform_, tp_)),
        policy_(make_eviction_policy(s.eviction, static_cast<int>(s.expert_models.size()))),
        scheduler_(make_scheduler(s.scheduler)),
        experts_(s.expert_models.size()) {
    for (const llm::ModelSpec* m : s.expert_models) {
      shard_bytes_.push_back(std::ceil(static_cast<double>(llm::weight_bytes(*m)) / tp_));
      step_models_.push_back(StepModel::of(*m));
    }
    if (s.router_model != nullptr) router_step_model_ = StepModel::of(*s.router_model);
    mode_ = s.host_link_mode.empty() ? platform_.default_host_link_mode : s.host_link_mode;
    const std::vector<int> accelerators = platform_.accelerators();
    devices_.assign(accelerators.begin() + group * tp_, accelerators.begin() + (group + 1) * tp_);
    capacity_ = platform_.tiers[static_cast<std::size_t>(platform_.fast_tier_of(devices_.front()))].capacity_bytes;
    result_.fast_tier_capacity_bytes_per_device = capacity_;
    if (tp_ > 1 && !platform_.serving.tp_link.empty())
      for (const int d : devices_) {
        const std::string name =
            fmt::format("{}[{}]", platform_.serving.tp_link, platform_.devices[static_cast<std::size_t>(d)].index);
        const auto link = std::find_if(platform_.links.begin(), platform_.links.end(),
                                       [&](const hw::Link& l) { return l.name == name; });
        if (link == platform_.links.end())
          throw config::UsageError(fmt::format("serving.tp_link '{}' needs one instance per accelerator (no {})",
                                               platform_.serving.tp_link, name));
        tp_links_.push_back(resources_.link_resource(static_cast<int>(link - platform_.links.begin())));
      }
    if (s.kv_preemption == "swap")
      for (const int d : devices_)
        if (platform_.route(platform_.fast_tier_of(d), platform_.slow_tier_of(d), mode_) == nullptr)
          throw config::UsageError(fmt::format(
              "kv_preemption swap needs a route from {} to {} on platform '{}' (the platform declares none)",
              platform_.fast_tier_name(d), platform_.slow_tier_name(d), platform_.name));
    reserve_static_memory();
    if (index_ == 0) describe_model_choices();
  }

  // The dispatcher gave this engine a request that has just arrived.
  void accept(std::int64_t id) {
    ++assigned_;
    RequestRecord& r = records_[id];
    if (!setup_.scheduler.route) r.routed_ps = r.queued_ps = sim_.now();
    scheduler_->on_arrival(id);
    kick_after_arrivals();
  }
  // Requests given to it and not yet finished or rejected.
  std::int64_t load() const { return assigned_ - ended_; }
  bool holds(int expert) const { return experts_[static_cast<std::size_t>(expert)].residency != Residency::Absent; }

  TimePs now() const override { return sim_.now(); }
  bool resident(int expert) const override {
    return experts_[static_cast<std::size_t>(expert)].residency == Residency::Resident;
  }
  bool runnable(int expert) const override {
    if (experts_[static_cast<std::size_t>(expert)].residency != Residency::Absent) return true;
    return free_bytes() + idle_bytes_ >= shard_bytes(expert);
  }

  double kv_room_bytes(int expert) const override {
    const ExpertState& s = experts_[static_cast<std::size_t>(expert)];
    double room = free_bytes() + idle_bytes_;
    if (s.residency == Residency::Absent || idle(s)) room -= shard_bytes(expert);
    return room;
  }
  double kv_bytes(int expert, std::int64_t tokens) const override { return kv_bytes_per_device(expert, tokens); }

  // ---- memory ----------------------------------------------------------

  double shard_bytes(int expert) const { return shard_bytes_[static_cast<std::size_t>(expert)]; }
  // Resident experts no running request holds, except those in `keep`: what
  // may be evicted.
  std::vector<int> idle_experts(const std::vector<int>& keep) const {
    std::vector<int> out;
    for (std::size_t e = 0; e < experts_.size(); ++e) {
      const ExpertState& s = experts_[e];
      if (idle(s) &&
          std::find(keep.begin(), keep.end(), static_cast<int>(e)) == keep.end())
        out.push_back(static_cast<int>(e));
    }
    return out;
  }
  static bool idle(const ExpertState& s) { return s.residency == Residency::Resident && s.active_requests == 0; }
  // Every change of an expert's residency or running count goes through
  // here, so the bytes of idle experts (what eviction could free) are kept
  // as a sum rather than recounted for every scheduling question. Shard
  // sizes are whole bytes, so the sum is exact.
  void set_expert(int expert, Residency residency, int active_delta) {
    ExpertState& s = experts_[static_cast<std::size_t>(expert)];
    if (idle(s)) idle_bytes_ -= shard_bytes(expert);
    s.residency = residency;
    s.active_requests += active_delta;
    if (idle(s)) idle_bytes_ += shard_bytes(expert);
    if (invariants_enabled()) {
      double recount = 0;
      for (const int e : idle_experts({})) recount += shard_bytes(e);
      if (recount != idle_bytes_)
        throw std::logic_error(fmt::format("idle expert bytes {} but {} recounted", idle_bytes_, recount));
    }
  }
  double kv_bytes_per_device(int expert, std::int64_t tokens) const {
    const llm::ModelCostTerms& m = step_models_[static_cast<std::size_t>(expert)].cost;
    const std::int64_t blocks = (tokens + setup_.kv_block_tokens - 1) / setup_.kv_block_tokens;
    return static_cast<double>(llm::kv_bytes_for_context(m, blocks * setup_.kv_block_tokens)) / tp_;
  }
  double free_bytes() const { return capacity_ - used_; }
  void sample_occupancy(TimePs at_ps) {
    auto& series = result_.occupancy;
    if (!series.empty() && series.back().time_ps == at_ps && series.back().engine == index_) {
      series.back().used_bytes = used_;
    } else {
      series.push_back({at_ps, index_, used_});
    }
  }
  // `at_ps` later than now only for KV blocks a decode run charges ahead.
  void charge(double bytes, TimePs at_ps = -1) {
    used_ += bytes;
    sample_occupancy(at_ps < 0 ? sim_.now() : at_ps);
    result_.peak_fast_tier_used_bytes_per_device = std::max(result_.peak_fast_tier_used_bytes_per_device, used_);
    if (invariants_enabled() && used_ > capacity_ * (1 + 1e-12))
      throw std::logic_error(fmt::format("fast tier over capacity: {} of {} bytes", used_, capacity_));
  }
  void release(double bytes) {
    used_ -= bytes;
    sample_occupancy(sim_.now());
  }

  void reserve_static_memory() {
    double fixed = setup_.workspace_bytes_per_device;
    if (setup_.router_model != nullptr) fixed += std::ceil(static_cast<double>(llm::weight_bytes(*setup_.router_model)) / tp_);
    if (fixed > capacity_)
      throw config::UsageError(fmt::format("router weights and workspace ({:.0f} bytes per device) exceed the fast "
                                           "tier ({:.0f} bytes per device)",
                                           fixed, capacity_));
    charge(fixed);
    static_bytes_ = fixed;
    for (std::size_t e = 0; e < experts_.size(); ++e)
      result_.expert_bytes_per_device_max = std::max(result_.expert_bytes_per_device_max, shard_bytes(static_cast<int>(e)));
    if (result_.expert_bytes_per_device_max > 0)
      result_.experts_that_fit = static_cast<int>((capacity_ - fixed) / result_.expert_bytes_per_device_max);
  }

  // An expert that cannot fit even with every other expert evicted.
  bool fits_ever(int expert, std::int64_t kv_tokens) const {
    return static_bytes_ + shard_bytes(expert) + kv_bytes_per_device(expert, kv_tokens) <= capacity_;
  }

  // Evicts idle resident experts (never those in `keep`) until `bytes` fit.
  bool make_room(double bytes, const std::vector<int>& keep) {
    while (free_bytes() < bytes) {
      const std::vector<int> candidates = idle_experts(keep);
      if (candidates.empty()) return false;
      const int victim = policy_->choose_victim(candidates);
      if (victim < 0) return false;
      set_expert(victim, Residency::Absent, 0);
      release(shard_bytes(victim));
      policy_->on_evict(victim);
      ++result_.experts[static_cast<std::size_t>(victim)].evictions;
    }
    return true;
  }

  // ---- expert copies ---------------------------------------------------

  void start_load(int expert, bool prefetch) {
    ExpertState& s = experts_[static_cast<std::size_t>(expert)];
    const double bytes = shard_bytes(expert);
    charge(bytes);
    set_expert(expert, Residency::Loading, 0);
    s.load_start_ps = sim_.now();
    ++loads_in_flight_;
    ExpertStats& stats = result_.experts[static_cast<std::size_t>(expert)];
    ++stats.switches;
    if (prefetch) ++stats.prefetches;
    const std::uint64_t total = llm::weight_bytes(*setup_.expert_models[static_cast<std::size_t>(expert)]);
    stats.bytes_moved += total;
    s.shards_pending = tp_;
    s.load_is_prefetch = prefetch;
    for (int i = 0; i < tp_; ++i) {
      const int device = devices_[static_cast<std::size_t>(i)];
      const int from = platform_.slow_tier_of(device);
      const int to = platform_.fast_tier_of(device);
      const hw::Route* route = platform_.route(from, to, mode_);
      if (route == nullptr) throw std::logic_error("serving: no copy route (platform validated without one)");
      const std::uint64_t shard = total / static_cast<std::uint64_t>(tp_) +
                                  (static_cast<std::uint64_t>(i) < total % static_cast<std::uint64_t>(tp_) ? 1 : 0);
      network_.start(resources_.path(*route), shard, [this, expert](const FlowRecord&) { shard_done(expert); });
    }
    shared_.sample_links_later();
  }

  void shard_done(int expert) {
    shared_.sample_links_later();
    ExpertState& s = experts_[static_cast<std::size_t>(expert)];
    if (--s.shards_pending > 0) return;
    set_expert(expert, Residency::Resident, 0);
    result_.switches.push_back({expert, s.load_start_ps, sim_.now(), s.load_is_prefetch});
    --loads_in_flight_;
    policy_->on_load(expert, sim_.now());
    copy_ended();
  }

  // A copy (expert or KV) ended: a step waiting for room or data retries.
  void copy_ended() {
    if (waiting_) {
      waiting_ = false;
      kick();
    } else {
      try_prefetch();
    }
  }

  // Copies a request's KV cache between the fast and the slow tier, one flow
  // per device of the group, and calls `done` when all have arrived.
  void start_kv_copy(std::int64_t id, bool out, double bytes_per_device) {
    ++swaps_in_flight_;
    const KvSwapRecord record{id, out, bytes_per_device, sim_.now(), kNever};
    auto pending = std::make_shared<int>(tp_);
    for (const int d : devices_) {
      const int fast = platform_.fast_tier_of(d);
      const int slow = platform_.slow_tier_of(d);
      const hw::Route* route = out ? platform_.route(fast, slow, mode_) : platform_.route(slow, fast, mode_);
      network_.start(resources_.path(*route), static_cast<std::uint64_t>(std::ceil(bytes_per_device)),
                     [this, id, out, record, pending](const FlowRecord&) {
                       shared_.sample_links_later();
                       if (--*pending > 0) return;
                       result_.kv_swaps.push_back(record);
                       result_.kv_swaps.back().end_ps = sim_.now();
                       --swaps_in_flight_;
                       RequestRecord& r = records_[id];
                       if (out) {
                         release_kv(r);
                         r.kv = RequestRecord::Kv::Slow;
                       } else {
                         r.kv = RequestRecord::Kv::Fast;
                       }
                       copy_ended();
                     });
    }
    shared_.sample_links_later();
  }

  void try_prefetch() {
    if (!setup_.prefetch || loads_in_flight_ > 0 || !current_.has_value()) return;
    std::vector<int> keep = scheduler_->upcoming_experts(records_, 4);
    keep.push_back(current_->expert);
    for (const int e : scheduler_->upcoming_experts(records_, 4)) {
      if (experts_[static_cast<std::size_t>(e)].residency != Residency::Absent) continue;
      if (!fits_ever(e, 0)) return;
      if (make_room(shard_bytes(e), keep)) start_load(e, true);
      return;
    }
  }

  // ---- steps -----------------------------------------------------------

  // Requests arriving at the same time are all queued before the scheduler
  // chooses (a router batch takes every one of them): the kick runs last.
  void kick_after_arrivals() {
    if (kick_pending_) return;
    kick_pending_ = true;
    sim_.schedule_in(0, [this] {
      kick_pending_ = false;
      kick();
    }, Simulator::kPriorityLast);
  }

  void kick() {
    if (busy_ || waiting_) return;
    // A scheduler that keeps choosing steps that do nothing would spin
    // forever at one instant: stop with an error instead.
    if (sim_.now() != last_kick_ps_) {
      last_kick_ps_ = sim_.now();
      kicks_at_this_time_ = 0;
    } else if (++kicks_at_this_time_ > 10 * static_cast<std::size_t>(records_.next_id() - records_.first_id() + 100)) {
      throw std::logic_error("serving: no progress at one instant (scheduler bug)");
    }
    if (!current_) current_ = scheduler_->next_step(records_, *this);
    if (!current_) return;
    execute();
  }

  void execute() {
    Step& step = *current_;
    if (step.kind == Step::Kind::Route) return run_route(step);
    const int e = step.expert;
    ExpertState& s = experts_[static_cast<std::size_t>(e)];
    if (step.kind == Step::Kind::Prefill && !step_seen_) {
      step_seen_ = true;
      ExpertStats& stats = result_.experts[static_cast<std::size_t>(e)];
      stats.requests += static_cast<std::int64_t>(step.requests.size());
      if (s.residency == Residency::Resident) stats.hits += static_cast<std::int64_t>(step.requests.size());
    }
    if (s.residency == Residency::Resident) return prepare_and_run(step);
    if (s.residency == Residency::Absent) {
      std::int64_t tokens = 0;
      for (const std::int64_t id : step.requests) tokens = std::max(tokens, records_[id].request.input_tokens);
      if (!fits_ever(e, tokens)) {
        for (const std::int64_t id : std::vector<std::int64_t>(step.requests))
          reject(id, fmt::format("expert '{}' ({:.0f} bytes per device) and its KV cache do not fit the fast tier "
                                 "({:.0f} bytes per device, {:.0f} taken by router and workspace)",
                                 setup_.expert_names[static_cast<std::size_t>(e)], shard_bytes(e), capacity_, static_bytes_));
        return finish_step();
      }
      while (!make_room(shard_bytes(e), {e})) {
        // Space is held by copies in flight or by running requests' KV:
        // wait for a copy to end, or preempt the youngest running request.
        if (loads_in_flight_ + swaps_in_flight_ > 0) {
          waiting_ = true;
          return;
        }
        const std::int64_t victim = preemption_victim(-1, step);
        if (victim < 0) throw std::logic_error("serving: no room for an expert and nothing to free (simulator bug)");
        preempt(victim, step);
      }
      start_load(e, false);
    }
    for (const std::int64_t id : step.requests) {
      RequestRecord& r = records_[id];
      if (r.switch_start_ps == kNever) r.switch_start_ps = sim_.now();
    }
    waiting_ = true;
  }

  void run_route(Step& step) {
    busy_ = true;
    shared_.open_batch(step.requests);
    double seconds = 0;
    if (setup_.router_model != nullptr) {
      std::vector<std::int64_t> tokens;
      for (const std::int64_t id : step.requests) tokens.push_back(records_[id].request.input_tokens);
      seconds = exec_.prefill(*router_step_model_, tokens).total_s();
    }
    sim_.schedule_in(seconds_to_ps_ceil(seconds), [this] {
      for (const std::int64_t id : current_->requests) {
        RequestRecord& r = records_[id];
        r.routed_ps = r.queued_ps = sim_.now();
      }
      finish_step();
    });
  }

  // Before computing, every request of the step needs its KV cache in the
  // fast tier with room for the step's new token: grown, swapped back in,
  // or (swap mode) waiting for a swap-out to free room. Re-run after each
  // copy ends until all are ready; then compute.
  void prepare_and_run(Step& step) {
    bool wait = false;
    for (const std::int64_t id : std::vector<std::int64_t>(step.requests)) {
      if (std::find(step.requests.begin(), step.requests.end(), id) == step.requests.end()) continue;  // preempted
      RequestRecord& r = records_[id];
      if (r.switch_start_ps != kNever && r.switch_end_ps == kNever) r.switch_end_ps = sim_.now();
      using Kv = RequestRecord::Kv;
      if (r.kv == Kv::SwappingIn || r.kv == Kv::SwappingOut) {
        wait = true;  // back in (or out, then in) before it can run
        continue;
      }
      const KvReady ready = ensure_kv(r, step);
      if (ready == KvReady::Wait) wait = true;
      if (ready != KvReady::Yes) continue;
      if (r.kv == Kv::Slow) {
        r.kv = Kv::SwappingIn;
        start_kv_copy(id, false, r.swapped_bytes_per_device);
        wait = true;
      }
    }
    if (wait) {
      if (swaps_in_flight_ + loads_in_flight_ == 0) throw std::logic_error("serving: waiting with no copy in flight");
      waiting_ = true;
      return;
    }
    run_compute(step);
  }

  void run_compute(Step& step) {
    const int e = step.expert;
    if (step.requests.empty()) return finish_step();
    busy_ = true;
    const llm::ModelSpec& model = *setup_.expert_models[static_cast<std::size_t>(e)];
    std::vector<std::int64_t> tokens;
    double seconds = 0;
    StepTime time;
    if (step.kind == Step::Kind::Prefill) {
      for (const std::int64_t id : step.requests) {
        RequestRecord& r = records_[id];
        if (r.prefill_start_ps == kNever) r.prefill_start_ps = sim_.now();
        if (r.queued_ps == kNever) r.queued_ps = r.request.arrival_ps;
        tokens.push_back(r.request.input_tokens + r.tokens_out);  // after a preemption: prompt + output so far
        policy_->on_use(e, sim_.now());
      }
      if (table_) {
        seconds = table_latency_s(model, step);
      } else {
        time = exec_.prefill(step_models_[static_cast<std::size_t>(e)], tokens);
        seconds = time.total_s();
      }
    } else if (table_) {
      seconds = 0;  // the table's latency was charged whole at the prefill
    } else {
      for (const std::int64_t id : step.requests) tokens.push_back(records_[id].cached_tokens);
      time = exec_.decode(step_models_[static_cast<std::size_t>(e)], tokens);
      seconds = time.total_s();
    }
    try_prefetch();
    if (tp_links_.empty() || time.collective_bytes_per_device == 0) {
      if (step.kind == Step::Kind::Decode && !table_) return run_decode(step, std::move(tokens), seconds_to_ps_ceil(seconds));
      sim_.schedule_in(seconds_to_ps_ceil(seconds), [this] { compute_done(); });
      return;
    }
    // The all-reduce bytes go over each device's TP link as flows, after the
    // rest of the step, so they share those links with anything else on them.
    const double over_links_s = time.collective_bytes_per_device / exec_.hardware().tp_link_bytes_per_s;
    const auto bytes = static_cast<std::uint64_t>(std::ceil(time.collective_bytes_per_device));
    sim_.schedule_in(seconds_to_ps_ceil(seconds - over_links_s), [this, bytes] {
      auto pending = std::make_shared<int>(static_cast<int>(tp_links_.size()));
      for (const LinkId link : tp_links_)
        network_.start({link}, bytes, [this, pending](const FlowRecord&) {
          shared_.sample_links_later();
          if (--*pending == 0) compute_done();
        });
      shared_.sample_links_later();
    });
  }

  // KV blocks for the tokens the request's cache holds after its next step.
  bool grow_kv(RequestRecord& r) {
    const int e = r.request.expert;
    const std::int64_t tokens = r.request.input_tokens + r.tokens_out;
    const double need = kv_bytes_per_device(e, tokens);
    const double held = kv_held(r);
    if (need <= held) return true;
    const Residency residency = experts_[static_cast<std::size_t>(e)].residency;
    if (held == 0.0) set_expert(e, residency, +1);
    if (free_bytes() < need - held && !make_room(need - held, {e})) {
      if (held == 0.0) set_expert(e, residency, -1);
      return false;
    }
    charge(need - held);
    kv_held_[r.request.id] = need;
    return true;
  }
  double kv_held(const RequestRecord& r) const {
    const auto it = kv_held_.find(r.request.id);
    return it == kv_held_.end() ? 0.0 : it->second;
  }
  void release_kv(const RequestRecord& r) {
    const auto it = kv_held_.find(r.request.id);
    if (it == kv_held_.end()) return;
    release(it->second);
    kv_held_.erase(it);
    set_expert(r.request.expert, experts_[static_cast<std::size_t>(r.request.expert)].residency, -1);
  }

  double table_latency_s(const llm::ModelSpec& model, const Step& step) const {
    const Request& r = records_[step.requests.front()].request;
    const auto batch = static_cast<int>(step.requests.size());
    const std::optional<double> s = table_->latency_s(model.name, tp_, batch, r.input_tokens, r.output_tokens);
    if (!s)
      throw config::UsageError(fmt::format(
          "latency table {} has no entry for {} at tensor parallel {}, batch {}, {} input and {} output tokens (it "
          "covers {} with {} in / {} out); the simulator does not extrapolate measurements",
          table_->file, model.name, tp_, batch, r.input_tokens, r.output_tokens, table_->model, table_->input_tokens,
          table_->output_tokens));
    return *s;
  }

  enum class KvReady { Yes, Left, Wait };

  // Grows the request's KV while it does not fit by preempting the youngest
  // request holding KV (vLLM's rule): dropped to be recomputed, or swapped
  // out to the slow tier (the room comes when that copy ends: Wait). When
  // the request itself is the youngest it leaves the step (Left); when
  // nothing else holds KV it can never fit and is rejected (Left).
  KvReady ensure_kv(RequestRecord& r, Step& step) {
    const std::int64_t self = r.request.id;
    while (!grow_kv(r)) {
      std::int64_t youngest = self;
      bool others = false;
      for (const auto& [id, bytes] : kv_held_) {
        if (id == self || records_[id].kv == RequestRecord::Kv::SwappingOut) continue;
        others = true;
        youngest = std::max(youngest, id);
      }
      if (!others) {
        if (swaps_in_flight_ > 0) return KvReady::Wait;  // room is on its way
        reject(self, "KV cache does not fit the fast tier beside the running expert");
        return KvReady::Left;
      }
      preempt(youngest, step);
      if (youngest == self) return KvReady::Left;
      if (records_[youngest].kv == RequestRecord::Kv::SwappingOut) return KvReady::Wait;
    }
    return KvReady::Yes;
  }

  // The youngest request holding KV other than `keep`, preferring one outside
  // the current step; -1 if none.
  std::int64_t preemption_victim(std::int64_t keep, const Step& step) const {
    std::int64_t outside = -1;
    std::int64_t inside = -1;
    for (const auto& [id, bytes] : kv_held_) {
      if (id == keep || records_[id].kv == RequestRecord::Kv::SwappingOut) continue;
      const bool in_step = std::find(step.requests.begin(), step.requests.end(), id) != step.requests.end();
      std::int64_t& best = in_step ? inside : outside;
      best = std::max(best, id);
    }
    return outside >= 0 ? outside : inside;
  }

  // Takes the request's KV (if any) out of the fast tier, dropping it
  // (recompute) or copying it to the slow tier (swap), and sends the request
  // back to its queue.
  void preempt(std::int64_t id, Step& step) {
    RequestRecord& r = records_[id];
    if (kv_held_.contains(id)) {
      ++r.preemptions;
      ++result_.preemptions;
      if (setup_.kv_preemption == "swap" && r.cached_tokens > 0) {
        r.kv = RequestRecord::Kv::SwappingOut;
        r.swapped_bytes_per_device = kv_held(r);
        start_kv_copy(id, true, r.swapped_bytes_per_device);
        std::erase(step.requests, id);
        scheduler_->on_preempted(id);
        return;
      }
      release_kv(r);
    }
    r.cached_tokens = 0;
    std::erase(step.requests, id);
    scheduler_->on_preempted(id);
  }

  // Decode steps that would repeat (the scheduler says so, nothing else
  // intervenes) run as one event: each step keeps its own time, and a run
  // stops where a request finishes. A step whose KV caches need another
  // block stops the run too, unless the run ends before any other event
  // (nothing can observe memory meanwhile) and the blocks fit in free
  // space: then they are charged now, each sampled at the start of the
  // step that needs it, as step by step would. Otherwise the step-by-step
  // path grows, evicts or preempts at that step.
  void run_decode(const Step& step, std::vector<std::int64_t> contexts, TimePs first_ps) {
    const StepModel& model = step_models_[static_cast<std::size_t>(step.expert)];
    // Each step's time when token times are recorded; else the count and total suffice.
    std::vector<TimePs> step_ps{first_ps};
    std::int64_t steps = 1;
    TimePs total = first_ps;
    const Repeat repeat = scheduler_->repeats(step, records_, sim_.now());
    // Per request of the step: KV bytes after the run's steps so far, and the
    // tokens those blocks hold (checked again only past them); the run's
    // (step start, new KV bytes). Members reused from run to run.
    std::vector<double>& held = run_held_;
    std::vector<std::int64_t>& covered = run_covered_;
    std::vector<std::pair<TimePs, double>>& growth = run_growth_;
    held.clear();
    covered.clear();
    growth.clear();
    if (repeat.repeats) {
      std::int64_t limit = INT64_MAX;
      for (const std::int64_t id : step.requests) {
        const RequestRecord& r = records_[id];
        limit = std::min(limit, r.request.output_tokens - r.tokens_out);
        held.push_back(kv_held(r));
        covered.push_back(0);
      }
      std::optional<TimePs> horizon = repeat.until_next_event ? sim_.next_event_time() : std::nullopt;
      if (repeat.until_ps != kNever) horizon = std::min(horizon.value_or(repeat.until_ps), repeat.until_ps);
      double growth_bytes = 0;
      TimePs end = sim_.now() + first_ps;
      while (steps < limit) {
        const std::int64_t i = steps;  // this step runs with tokens_out + i produced
        double extra = 0;
        std::vector<double> need;  // filled only at a block boundary
        for (std::size_t k = 0; k < step.requests.size(); ++k) {
          const RequestRecord& r = records_[step.requests[k]];
          const std::int64_t tokens = r.request.input_tokens + r.tokens_out + i;
          if (tokens <= covered[k]) continue;
          if (need.empty()) need = held;
          need[k] = std::max(held[k], kv_bytes_per_device(step.expert, tokens));
          extra += need[k] - held[k];
        }
        if (extra > 0 && (!repeat.until_next_event || growth_bytes + extra > free_bytes())) break;
        for (std::int64_t& c : contexts) ++c;
        const TimePs t = seconds_to_ps_ceil(exec_.decode(model, contexts).total_s());
        if (horizon && end + t > *horizon) break;
        if (!need.empty()) {
          for (std::size_t k = 0; k < step.requests.size(); ++k) {
            const RequestRecord& r = records_[step.requests[k]];
            const std::int64_t tokens = r.request.input_tokens + r.tokens_out + i;
            if (tokens > covered[k]) covered[k] = (tokens + setup_.kv_block_tokens - 1) / setup_.kv_block_tokens * setup_.kv_block_tokens;
          }
          held = std::move(need);
        }
        if (extra > 0) {
          growth.emplace_back(end, extra);
          growth_bytes += extra;
        }
        end += t;
        total += t;
        ++steps;
        if (setup_.record_token_times) step_ps.push_back(t);
      }
    }
    for (const auto& [at_ps, bytes] : growth) charge(bytes, at_ps);
    if (!growth.empty())
      for (std::size_t k = 0; k < step.requests.size(); ++k) kv_held_[step.requests[k]] = held[k];
    sim_.schedule_in(total, [this, steps, step_ps = std::move(step_ps)] {
      // Every step but the last ends inside the run: its token counts (and
      // is timed, when recorded); compute_done() takes the last.
      for (const std::int64_t id : current_->requests) {
        RequestRecord& r = records_[id];
        if (setup_.record_token_times) {
          TimePs at = sim_.now();
          for (std::size_t i = step_ps.size() - 1; i > 0; --i) at -= step_ps[i];
          for (std::size_t i = 0; i + 1 < step_ps.size(); ++i) {
            r.token_ps.push_back(at);
            at += step_ps[i + 1];
          }
        }
        if (steps > 1) {
          r.tokens_out += steps - 1;
          r.cached_tokens = r.request.input_tokens + r.tokens_out - 1;
        }
      }
      compute_done();
    });
  }

  void compute_done() {
    const Step& step = *current_;
    for (const std::int64_t id : step.requests) {
      RequestRecord& r = records_[id];
      if (step.kind == Step::Kind::Prefill && r.prefill_end_ps == kNever) r.prefill_end_ps = sim_.now();
      r.cached_tokens = r.request.input_tokens + r.tokens_out;
      ++r.tokens_out;
      if (setup_.record_token_times) r.token_ps.push_back(sim_.now());
      if (r.tokens_out >= r.request.output_tokens) {
        r.outcome = Outcome::Finished;
        r.finish_ps = sim_.now();
        release_kv(r);
        ++ended_;
        shared_.request_ended();
      }
    }
    finish_step();
  }

  void reject(std::int64_t id, std::string reason) {
    RequestRecord& r = records_[id];
    r.outcome = Outcome::Rejected;
    r.reject_reason = std::move(reason);
    r.finish_ps = sim_.now();
    ++ended_;
    shared_.request_ended();
    release_kv(r);
    std::erase(current_->requests, id);
    scheduler_->on_rejected(id);
  }

  void finish_step() {
    scheduler_->on_step_done(*current_, records_);
    current_.reset();
    step_seen_ = false;
    busy_ = false;
    kick();
  }

  void describe_model_choices() {
    const TpGroupHardware& hw = exec_.hardware();
    if (table_) {
      result_.notes.push_back(fmt::format("execution model: measured latency table {} ({}), whole requests charged at "
                                          "prefill, so TTFT equals end-to-end; the router pass uses the roofline",
                                          table_->name, table_->file));
    } else {
      result_.notes.push_back(fmt::format("execution model: roofline on a TP{} group of {} ({})", tp_,
                                          platform_.serving.accelerator, platform_.name));
    }
    const auto accelerators = static_cast<int>(platform_.accelerators().size());
    const int engines = setup_.nodes * (accelerators / tp_);
    if (setup_.nodes > 1)
      result_.notes.push_back(fmt::format("{} identical nodes, each with its own tiers and links; experts {}",
                                          setup_.nodes,
                                          setup_.placement == "partitioned" ? "partitioned (expert e on node e mod N)"
                                                                            : "servable on every node"));
    if (engines > 1)
      result_.notes.push_back(fmt::format("{} engines of TP{}, each with its own fast tier, experts and scheduler; "
                                          "requests dispatched {}",
                                          engines, tp_, setup_.dispatcher));
    if (engines * tp_ < accelerators)
      result_.notes.push_back(fmt::format("{} of the {} accelerators are idle: TP{} does not divide them",
                                          accelerators - engines * tp_, accelerators, tp_));
    if (tp_ > 1 && hw.tp_link_bytes_per_s == 0)
      result_.notes.push_back("tensor-parallel all-reduce bandwidth not modelled: the platform names no serving.tp_link");
    if (hw.sram_bytes == 0) result_.notes.push_back("no SRAM tier: every layer's activations go through the fast tier");
    if (setup_.router_model == nullptr) result_.notes.push_back("routing costs no time (no router model)");
  }

  const ServingSetup& setup_;
  const hw::Platform& platform_;
  Simulator& sim_;
  FlowNetwork& network_;
  hw::PlatformNetwork& resources_;
  Shared& shared_;
  ServingResult& result_;
  RecordStore& records_;
  const std::optional<LatencyTable>& table_;
  int index_;
  int tp_;
  ExecutionModel exec_;
  std::unique_ptr<EvictionPolicy> policy_;
  std::unique_ptr<Scheduler> scheduler_;
  std::vector<ExpertState> experts_;
  std::vector<int> devices_;
  std::vector<LinkId> tp_links_;  // each device's TP link resource (empty: all-reduce bandwidth not modelled as flows)
  std::string mode_;
  double capacity_ = 0;
  double used_ = 0;
  double static_bytes_ = 0;
  std::vector<double> shard_bytes_;  // per expert, per device
  std::vector<StepModel> step_models_;  // per expert
  std::vector<double> run_held_;          // scratch of run_decode
  std::vector<std::int64_t> run_covered_;
  std::vector<std::pair<TimePs, double>> run_growth_;
  std::optional<StepModel> router_step_model_;
  double idle_bytes_ = 0;            // shards of resident experts no request holds
  std::unordered_map<std::int64_t, double> kv_held_;
  std::optional<Step> current_;
  bool busy_ = false;
  bool waiting_ = false;
  bool step_seen_ = false;
  bool kick_pending_ = false;
  TimePs last_kick_ps_ = -1;
  std::size_t kicks_at_this_time_ = 0;
  int loads_in_flight_ = 0;
  int swaps_in_flight_ = 0;
  std::int64_t assigned_ = 0;
  std::int64_t ended_ = 0;
};

// The engines of a platform (accelerators / TP of them) and the dispatcher
// that gives each arriving request to one.
class Cluster {
 public:
  Cluster(const ServingSetup& s, ResultSink& sink)
      : setup_(s), shared_(*s.platform, s.nodes, s.link_bucket_s, sink, s.part_requests) {
    validate(s);
    const hw::Platform& p = *s.platform;
    const int tp = s.tensor_parallel > 0 ? s.tensor_parallel : p.serving.tensor_parallel;
    per_node_ = static_cast<int>(p.accelerators().size()) / tp;
    const int engines = s.nodes * per_node_;
    if (per_node_ < 1) throw config::UsageError(fmt::format("TP{} exceeds the accelerators of '{}'", tp, p.name));
    if (engines > 1 && s.eviction.policy == "belady")
      throw config::UsageError("belady needs the future request sequence of one engine; with several engines it is "
                               "not known in advance");
    if (s.eviction.policy == "belady" && s.eviction.future_uses.empty())
      throw std::invalid_argument("serving: belady needs the future expert sequence (eviction.future_uses) up front");
    if (p.serving.execution_model == "latency-table") {
      if (s.scheduler.kind != "samba-coe" && s.scheduler.kind != "fcfs")
        throw config::UsageError(fmt::format("platform '{}' uses a measured latency table of whole requests; only the "
                                             "samba-coe and fcfs schedulers run requests whole",
                                             p.name));
      shared_.table = load_latency_table(p.serving.latency_table_file);
    }
    shared_.result.experts.resize(s.expert_models.size());
    for (int i = 0; i < engines; ++i)
      engines_.push_back(std::make_unique<Engine>(setup_, shared_, i, i / per_node_, i % per_node_, tp));
  }

  // Schedules the request's arrival, then runs every event before it: the
  // next arrival is always in the queue, as if the whole workload had been
  // scheduled up front (decode runs stop at it), and arrivals at one instant
  // run before anything else then, in id order.
  void add(Request r) {
    if (r.expert < 0 || r.expert >= static_cast<int>(setup_.expert_models.size()))
      throw std::invalid_argument(fmt::format("serving: request {} names expert {} of {}", r.id, r.expert,
                                              setup_.expert_models.size()));
    if (r.output_tokens < 1 || r.input_tokens < 1)
      throw std::invalid_argument(fmt::format("serving: request {} needs >= 1 input and output token", r.id));
    if (r.arrival_ps < last_arrival_ps_ || r.arrival_ps < shared_.sim.now())
      throw std::invalid_argument(fmt::format("serving: request {} arrives before the one ahead of it: requests must be "
                                              "in arrival order",
                                              r.id));
    last_arrival_ps_ = r.arrival_ps;
    const std::int64_t id = r.id;
    const TimePs at = r.arrival_ps;
    shared_.records.add(std::move(r));
    shared_.sim.schedule_at(at, [this, id] {
      engines_[static_cast<std::size_t>(dispatch(shared_.records[id].request))]->accept(id);
    }, Simulator::kPriorityFirst);
    if (at > shared_.sim.now()) shared_.sim.run_until(at - 1);
  }

  ServingResult finish() {
    shared_.sim.run();
    const TimePs end_ps = shared_.sim.now();
    shared_.finish(end_ps);
    ServingResult& result = shared_.result;
    result.end_ps = end_ps;
    result.events = shared_.sim.events_executed();
    result.trace_hash = shared_.sim.trace_hash();
    return std::move(result);
  }

 private:
  static void validate(const ServingSetup& setup) {
    if (setup.platform == nullptr) throw std::invalid_argument("serving: no platform");
    if (setup.expert_models.size() != setup.expert_names.size() || setup.expert_models.empty())
      throw std::invalid_argument("serving: one model per named expert, at least one");
    if (setup.kv_block_tokens < 1) throw std::invalid_argument("serving: kv_block_tokens must be >= 1");
    if (std::find(dispatcher_names().begin(), dispatcher_names().end(), setup.dispatcher) == dispatcher_names().end())
      throw std::invalid_argument("serving: unknown dispatcher '" + setup.dispatcher + "'");
    if (setup.nodes < 1) throw std::invalid_argument("serving: nodes must be >= 1");
    if (setup.placement != "everywhere" && setup.placement != "partitioned")
      throw std::invalid_argument("serving: unknown placement '" + setup.placement + "'");
  }

  // round-robin: in turn; least-loaded: fewest unfinished requests;
  // expert-affinity: the least loaded engine holding the expert (resident or
  // arriving), else the least loaded. Ties go to the lowest index.
  // With partitioned placement only the engines of node (expert mod nodes)
  // are candidates.
  int dispatch(const Request& r) {
    int first = 0;
    auto n = static_cast<int>(engines_.size());
    if (setup_.placement == "partitioned") {
      first = (r.expert % setup_.nodes) * per_node_;
      n = per_node_;
    }
    if (n == 1) return first;
    if (setup_.dispatcher == "round-robin") return first + static_cast<int>(next_++ % static_cast<std::size_t>(n));
    const auto least_loaded = [&](bool need_expert) {
      int best = -1;
      for (int i = first; i < first + n; ++i) {
        const Engine& e = *engines_[static_cast<std::size_t>(i)];
        if (need_expert && !e.holds(r.expert)) continue;
        if (best < 0 || e.load() < engines_[static_cast<std::size_t>(best)]->load()) best = i;
      }
      return best;
    };
    if (setup_.dispatcher == "expert-affinity")
      if (const int i = least_loaded(true); i >= 0) return i;
    return least_loaded(false);
  }

  const ServingSetup& setup_;
  Shared shared_;
  std::vector<std::unique_ptr<Engine>> engines_;
  int per_node_ = 1;
  std::size_t next_ = 0;
  TimePs last_arrival_ps_ = 0;
};

// Keeps every part: the whole result in memory, for small runs and tests.
class CollectingSink : public ResultSink {
 public:
  void append(const ServingResult& part) override {
    const auto move_rows = [](auto& to, const auto& from) { to.insert(to.end(), from.begin(), from.end()); };
    move_rows(rows_.requests, part.requests);
    move_rows(rows_.batches, part.batches);
    move_rows(rows_.switches, part.switches);
    move_rows(rows_.kv_swaps, part.kv_swaps);
    move_rows(rows_.occupancy, part.occupancy);
    rows_.link_utilisation.resize(part.link_utilisation.size());
    for (std::size_t k = 0; k < part.link_utilisation.size(); ++k) move_rows(rows_.link_utilisation[k], part.link_utilisation[k]);
  }

  // The whole-run figures with every row put back.
  ServingResult whole(ServingResult run) {
    run.requests = std::move(rows_.requests);
    run.batches = std::move(rows_.batches);
    run.switches = std::move(rows_.switches);
    run.kv_swaps = std::move(rows_.kv_swaps);
    run.occupancy = std::move(rows_.occupancy);
    run.link_utilisation = std::move(rows_.link_utilisation);
    run.link_first_bucket = 0;
    return run;
  }

 private:
  ServingResult rows_;
};

}  // namespace

struct ServingRun::Impl {
  Impl(const ServingSetup& s, ResultSink& sink) : setup(s), cluster(setup, sink) {}
  ServingSetup setup;  // the run's own copy: engines point into it
  Cluster cluster;
};

ServingRun::ServingRun(const ServingSetup& setup, ResultSink& sink) : impl_(std::make_unique<Impl>(setup, sink)) {}
ServingRun::~ServingRun() = default;
void ServingRun::add(Request request) { impl_->cluster.add(std::move(request)); }
ServingResult ServingRun::finish() { return impl_->cluster.finish(); }

const std::vector<std::string>& dispatcher_names() {
  static const std::vector<std::string> names{"round-robin", "least-loaded", "expert-affinity"};
  return names;
}

ServingResult run_serving(const ServingSetup& setup, std::vector<Request> requests) {
  ServingSetup s = setup;
  // Belady's future: the experts of the requests in service order (arrival
  // order, with one engine), unless the caller gave it.
  if (s.eviction.policy == "belady" && s.eviction.future_uses.empty())
    for (const Request& r : requests) s.eviction.future_uses.push_back(r.expert);
  CollectingSink rows;
  ServingRun run(s, rows);
  for (Request& r : requests) run.add(std::move(r));
  return rows.whole(run.finish());
}

}  // namespace coesim::serving
