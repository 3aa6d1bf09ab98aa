#include "sim/serving/engine.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "sim/config/config_error.h"
#include "sim/kernel/invariants.h"
#include "sim/llm/kv_cache_size.h"
#include "sim/llm/model_size.h"
#include "sim/serving/slow_tier_fit.h"

namespace coesim::serving {
namespace {

// The accelerators of tensor-parallel group `group`.
std::vector<int> group_devices(const hw::Platform& p, int group, int tp) {
  const std::vector<int> accelerators = p.accelerators();
  const auto first = static_cast<std::ptrdiff_t>(group) * tp;
  return {accelerators.begin() + first, accelerators.begin() + first + tp};
}

// Each expert's weight bytes per device, rounded up to whole bytes.
std::vector<double> shard_bytes_of(const ServingSetup& s, int tp) {
  std::vector<double> out;
  for (const llm::ModelSpec* m : s.expert_models)
    out.push_back(std::ceil(static_cast<double>(llm::weight_bytes(*m)) / tp));
  return out;
}

}  // namespace

Engine::Engine(const ServingSetup& s, RunContext& context, int index, int node, int group, int tp)
    : setup_(s),
      platform_(*s.platform),
      sim_(context.sim),
      network_(context.network),
      resources_(*context.node_resources[static_cast<std::size_t>(node)]),
      context_(context),
      result_(context.result),
      records_(context.records),
      index_(index),
      tp_(tp),
      exec_(*context.execution),
      kinds_{sim_.event_kind("engine-kick"), sim_.event_kind("router-pass"), sim_.event_kind("compute"),
             sim_.event_kind("decode"), sim_.event_kind("compute-before-all-reduce")},
      policy_(make_eviction_policy(s.eviction, static_cast<int>(s.expert_models.size()))),
      scheduler_(make_scheduler(s.scheduler)),
      devices_(group_devices(platform_, group, tp)),
      ledger_(shard_bytes_of(s, tp),
              platform_.tiers[static_cast<std::size_t>(platform_.fast_tier_of(devices_.front()))].capacity_bytes, index,
              context.result, *policy_),
      loads_(s.expert_models.size()),
      copier_(platform_, resources_, network_, platform_.host_link_mode_or_default(s.host_link_mode)) {
  for (const llm::ModelSpec* m : s.expert_models) step_models_.push_back(StepModel::of(*m));
  if (s.router_model != nullptr) router_step_model_ = StepModel::of(*s.router_model);
  result_.fast_tier_capacity_bytes_per_device = ledger_.capacity_bytes();
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
  reserve_static_memory();
  if (index_ == 0) describe_model_choices();
}

void Engine::accept(std::int64_t id) {
  ++assigned_;
  timeline_load();
  RequestRecord& r = records_[id];
  if (!setup_.scheduler.route) r.routed_ps = r.queued_ps = sim_.now();
  scheduler_->on_arrival(id);
  kick_after_arrivals();
}

bool Engine::runnable(int expert) const {
  if (ledger_.residency(expert) != Residency::Absent) return true;
  return ledger_.free_bytes() + ledger_.idle_bytes() >= ledger_.shard_bytes(expert);
}

double Engine::kv_room_bytes(int expert) const {
  double room = ledger_.free_bytes() + ledger_.idle_bytes();
  const Residency r = ledger_.residency(expert);
  if (r == Residency::Absent || ledger_.idle(expert)) room -= ledger_.shard_bytes(expert);
  return room;
}

double Engine::kv_bytes_per_device(int expert, std::int64_t tokens) const {
  const llm::ModelCostTerms& m = step_models_[static_cast<std::size_t>(expert)].cost;
  const std::int64_t blocks = (tokens + setup_.kv_block_tokens - 1) / setup_.kv_block_tokens;
  return static_cast<double>(llm::kv_bytes_for_context(m, blocks * setup_.kv_block_tokens)) / tp_;
}

void Engine::reserve_static_memory() {
  const double capacity = ledger_.capacity_bytes();
  double fixed = setup_.workspace_bytes_per_device;
  if (setup_.router_model != nullptr)
    fixed += std::ceil(static_cast<double>(llm::weight_bytes(*setup_.router_model)) / tp_);
  if (fixed > capacity)
    throw config::UsageError(
        fmt::format("router weights and workspace ({:.0f} bytes per device) exceed the fast "
                    "tier ({:.0f} bytes per device)",
                    fixed, capacity));
  for (std::size_t e = 0; e < loads_.size(); ++e)
    result_.expert_bytes_per_device_max =
        std::max(result_.expert_bytes_per_device_max, ledger_.shard_bytes(static_cast<int>(e)));
  // The stack holds part of the tier back (its KV memory setting), measured
  // as it would be at start: after the router, the workspace and one expert.
  const hw::RuntimeProfile& profile = exec_.profile();
  if (profile.kv_memory_fraction < 1 || profile.kv_memory_basis == hw::RuntimeProfile::KvMemoryBasis::Total) {
    const double loaded = fixed + result_.expert_bytes_per_device_max;
    const double usable = std::min(capacity, loaded + profile.kv_budget_bytes(capacity, loaded));
    if (usable <= loaded)
      throw config::UsageError(fmt::format(
          "runtime profile '{}' gives KV caches nothing: it holds back {:.0f} of the fast tier's {:.0f} bytes per "
          "device, and the router, workspace and largest expert need {:.0f}",
          profile.name, capacity - usable, capacity, loaded));
    if (index_ == 0 && usable < capacity)
      result_.notes.push_back(fmt::format(
          "runtime profile '{}' holds back {:.2f} GB of each device's {:.2f} GB fast tier (kv_memory_fraction {} "
          "of {} memory)",
          profile.name, (capacity - usable) / 1e9, capacity / 1e9, profile.kv_memory_fraction,
          profile.kv_memory_basis == hw::RuntimeProfile::KvMemoryBasis::Total ? "all" : "free"));
    ledger_.limit_capacity(usable);
  }
  ledger_.reserve_static(fixed, sim_.now());
  if (result_.expert_bytes_per_device_max > 0)
    result_.experts_that_fit =
        static_cast<int>((ledger_.capacity_bytes() - fixed) / result_.expert_bytes_per_device_max);
}

bool Engine::fits_ever(int expert, std::int64_t kv_tokens) const {
  return ledger_.fits_ever(expert, kv_bytes_per_device(expert, kv_tokens));
}

void Engine::start_load(int expert, bool prefetch) {
  ExpertLoad& load = loads_[static_cast<std::size_t>(expert)];
  ledger_.charge(ledger_.shard_bytes(expert), sim_.now());
  ledger_.set_expert(expert, Residency::Loading, 0);
  load.start_ps = sim_.now();
  ++loads_in_flight_;
  ExpertStats& stats = result_.experts[static_cast<std::size_t>(expert)];
  ++stats.switches;
  if (prefetch) ++stats.prefetches;
  const auto total =
      static_cast<std::uint64_t>(llm::weight_bytes(*setup_.expert_models[static_cast<std::size_t>(expert)]));
  stats.bytes_moved += total;
  load.prefetch = prefetch;
  copier_.copy(
      devices_, CopyDirection::SlowToFast,
      [total, this](std::size_t i) { return split_shard_bytes(total, tp_, static_cast<int>(i)); },
      [this](std::size_t, const FlowRecord&) { context_.sample_links_later(); },
      [this, expert] { expert_loaded(expert); });
  context_.sample_links_later();
}

void Engine::expert_loaded(int expert) {
  const ExpertLoad& load = loads_[static_cast<std::size_t>(expert)];
  if (setup_.timeline != nullptr)
    setup_.timeline->slice(index_, TimelineRecorder::Track::Copies,
                           fmt::format("load {}", setup_.expert_names[static_cast<std::size_t>(expert)]),
                           load.prefetch ? "prefetch" : "load", load.start_ps, sim_.now(),
                           fmt::format("{{\"expert\":{}}}", expert));
  ledger_.set_expert(expert, Residency::Resident, 0);
  result_.switches.push_back({expert, load.start_ps, sim_.now(), load.prefetch});
  --loads_in_flight_;
  policy_->on_load(expert, sim_.now());
  copy_ended();
}

void Engine::copy_ended() {
  if (state_ == State::WaitingForCopy) {
    state_ = State::Ready;
    kick();
  } else {
    try_prefetch();
  }
}

void Engine::start_kv_copy(std::int64_t id, bool out, double bytes_per_device) {
  ++swaps_in_flight_;
  const KvSwapRecord record{id, out, bytes_per_device, sim_.now(), kNever};
  const auto bytes = static_cast<std::uint64_t>(std::ceil(bytes_per_device));
  copier_.copy(
      devices_, out ? CopyDirection::FastToSlow : CopyDirection::SlowToFast, [bytes](std::size_t) { return bytes; },
      [this](std::size_t, const FlowRecord&) { context_.sample_links_later(); },
      [this, id, out, record] {
        if (setup_.timeline != nullptr)
          setup_.timeline->slice(index_, TimelineRecorder::Track::Copies,
                                 fmt::format("KV {} request {}", out ? "out" : "in", id), out ? "kv-out" : "kv-in",
                                 record.start_ps, sim_.now(), fmt::format("{{\"request\":{}}}", id));
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
  context_.sample_links_later();
}

void Engine::try_prefetch() {
  if (!setup_.prefetch || loads_in_flight_ > 0 || !current_.has_value()) return;
  std::vector<int> keep = scheduler_->upcoming_experts(records_, 4);
  keep.push_back(current_->expert);
  for (const int e : scheduler_->upcoming_experts(records_, 4)) {
    if (ledger_.residency(e) != Residency::Absent) continue;
    if (!fits_ever(e, 0)) return;
    if (ledger_.make_room(ledger_.shard_bytes(e), keep, sim_.now())) start_load(e, true);
    return;
  }
}

void Engine::kick_after_arrivals() {
  if (kick_pending_) return;
  kick_pending_ = true;
  sim_.schedule_in(
      0, kinds_.kick,
      [this] {
        kick_pending_ = false;
        kick();
      },
      Simulator::kPriorityLast);
}

void Engine::kick() {
  if (state_ != State::Ready) return;
  // A scheduler that keeps choosing steps that do nothing would spin
  // forever at one instant: stop with an error instead.
  if (sim_.now() != last_kick_ps_) {
    last_kick_ps_ = sim_.now();
    kicks_at_this_time_ = 0;
  } else if (++kicks_at_this_time_ > 10 * static_cast<std::size_t>(records_.next_id() - records_.first_id() + 100)) {
    throw std::logic_error("serving: no progress at one instant (scheduler bug)");
  }
  if (!current_) {
    current_ = scheduler_->next_step(records_, *this);
    freed_at_choice_ = {result_.preemptions, ledger_.evictions()};
  }
  if (!current_) return;
  execute();
}

void Engine::execute() {
  Step& step = *current_;
  if (step.kind == Step::Kind::Route) return run_route(step);
  const int e = step.expert;
  const Residency residency = ledger_.residency(e);
  if (step.kind == Step::Kind::Prefill && !step_seen_) {
    step_seen_ = true;
    ExpertStats& stats = result_.experts[static_cast<std::size_t>(e)];
    stats.requests += static_cast<std::int64_t>(step.requests.size());
    if (residency == Residency::Resident) stats.hits += static_cast<std::int64_t>(step.requests.size());
  }
  if (residency == Residency::Resident) return prepare_and_run(step);
  if (residency == Residency::Absent) {
    std::int64_t tokens = 0;
    for (const std::int64_t id : step.requests) tokens = std::max(tokens, records_[id].request.input_tokens);
    if (!fits_ever(e, tokens)) {
      const double kept = ledger_.kept_bytes(e);
      const std::string kept_text =
          kept > 0 ? fmt::format(", {:.0f} by experts eviction policy '{}' never evicts", kept, setup_.eviction.policy)
                   : "";
      for (const std::int64_t id : std::vector<std::int64_t>(step.requests))
        reject(id, fmt::format("expert '{}' ({:.0f} bytes per device) and its KV cache do not fit the fast tier "
                               "({:.0f} bytes per device, {:.0f} taken by router and workspace{})",
                               setup_.expert_names[static_cast<std::size_t>(e)], ledger_.shard_bytes(e),
                               ledger_.capacity_bytes(), ledger_.static_bytes(), kept_text));
      return finish_step();
    }
    while (!ledger_.make_room(ledger_.shard_bytes(e), {e}, sim_.now())) {
      // Space is held by copies in flight or by running requests' KV:
      // wait for a copy to end, or preempt the youngest running request.
      if (loads_in_flight_ + swaps_in_flight_ > 0) {
        state_ = State::WaitingForCopy;
        return;
      }
      const std::int64_t victim = preemption_victim(-1, step);
      if (victim < 0) throw std::logic_error("serving: no room for an expert and nothing to free (simulator bug)");
      preempt(victim, step);
    }
    start_load(e, false);
  }
  // A request's switch wait is the copy before its first prefill; a copy
  // after a preemption counts for the expert, not as the request's wait.
  for (const std::int64_t id : step.requests) {
    RequestRecord& r = records_[id];
    if (r.switch_start_ps == kNever && r.prefill_start_ps == kNever) r.switch_start_ps = sim_.now();
  }
  state_ = State::WaitingForCopy;
}

void Engine::run_route(Step& step) {
  state_ = State::Running;
  context_.open_batch(step.requests);
  double seconds = 0;
  if (setup_.router_model != nullptr) {
    std::vector<std::int64_t> tokens;
    for (const std::int64_t id : step.requests) tokens.push_back(records_[id].request.input_tokens);
    seconds = exec_.router_pass(*router_step_model_, tokens).total_s();
  }
  sim_.schedule_in(seconds_to_ps_ceil(seconds), kinds_.router_pass, [this, start_ps = sim_.now()] {
    for (const std::int64_t id : current_->requests) {
      RequestRecord& r = records_[id];
      r.routed_ps = r.queued_ps = sim_.now();
    }
    if (setup_.timeline != nullptr)
      setup_.timeline->slice(index_, TimelineRecorder::Track::Compute,
                             fmt::format("route {} prompts", current_->requests.size()), "route", start_ps, sim_.now(),
                             fmt::format("{{\"requests\":{}}}", current_->requests.size()));
    finish_step();
  });
}

void Engine::prepare_and_run(Step& step) {
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
    state_ = State::WaitingForCopy;
    return;
  }
  run_compute(step);
}

void Engine::run_compute(Step& step) {
  const int e = step.expert;
  if (step.requests.empty()) return finish_step();
  state_ = State::Running;
  compute_start_ps_ = sim_.now();
  run_steps_ = 1;
  const llm::ModelSpec& model = *setup_.expert_models[static_cast<std::size_t>(e)];
  std::vector<std::int64_t> tokens;
  StepTime time;
  if (step.kind == Step::Kind::Prefill) {
    for (const std::int64_t id : step.requests) {
      RequestRecord& r = records_[id];
      if (r.prefill_start_ps == kNever) r.prefill_start_ps = sim_.now();
      if (r.queued_ps == kNever) r.queued_ps = r.request.arrival_ps;
      tokens.push_back(r.request.input_tokens + r.tokens_out);  // after a preemption: prompt + output so far
      policy_->on_use(e, sim_.now());
    }
    const Request& first = records_[step.requests.front()].request;
    time = exec_.prefill(
        {&model, &step_models_[static_cast<std::size_t>(e)], tokens, first.input_tokens, first.output_tokens});
  } else {
    for (const std::int64_t id : step.requests) tokens.push_back(records_[id].cached_tokens);
    time = exec_.decode(step_models_[static_cast<std::size_t>(e)], tokens);
  }
  const double seconds = time.total_s();
  try_prefetch();
  if (tp_links_.empty() || time.collective_bytes_per_device == 0) {
    if (step.kind == Step::Kind::Decode && !exec_.whole_requests())
      return run_decode(step, std::move(tokens), seconds_to_ps_ceil(seconds));
    sim_.schedule_in(seconds_to_ps_ceil(seconds), kinds_.compute, [this] { compute_done(); });
    return;
  }
  // The all-reduce bytes go over each device's TP link as flows, after the
  // rest of the step, so they share those links with anything else on them.
  const double over_links_s = time.collective_bytes_per_device / exec_.hardware().tp_link_bytes_per_s;
  const auto bytes = static_cast<std::uint64_t>(std::ceil(time.collective_bytes_per_device));
  sim_.schedule_in(seconds_to_ps_ceil(seconds - over_links_s), kinds_.tp_compute, [this, bytes] {
    auto pending = std::make_shared<int>(static_cast<int>(tp_links_.size()));
    for (const LinkId link : tp_links_)
      network_.start({link}, bytes, [this, pending](const FlowRecord&) {
        context_.sample_links_later();
        if (--*pending == 0) compute_done();
      });
    context_.sample_links_later();
  });
}

bool Engine::grow_kv(const RequestRecord& r) {
  const int e = r.request.expert;
  return ledger_.grow_kv(r.request.id, e, kv_bytes_per_device(e, r.request.input_tokens + r.tokens_out), sim_.now());
}

Engine::KvReady Engine::ensure_kv(RequestRecord& r, Step& step) {
  const std::int64_t self = r.request.id;
  while (!grow_kv(r)) {
    std::int64_t youngest = self;
    bool others = false;
    for (const auto& [id, bytes] : ledger_.kv_holders()) {
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

std::int64_t Engine::preemption_victim(std::int64_t keep, const Step& step) const {
  std::int64_t outside = -1;
  std::int64_t inside = -1;
  for (const auto& [id, bytes] : ledger_.kv_holders()) {
    if (id == keep || records_[id].kv == RequestRecord::Kv::SwappingOut) continue;
    const bool in_step = std::find(step.requests.begin(), step.requests.end(), id) != step.requests.end();
    std::int64_t& best = in_step ? inside : outside;
    best = std::max(best, id);
  }
  return outside >= 0 ? outside : inside;
}

void Engine::preempt(std::int64_t id, Step& step) {
  RequestRecord& r = records_[id];
  if (ledger_.kv_holders().contains(id)) {
    ++r.preemptions;
    ++result_.preemptions;
    if (setup_.kv_preemption == KvPreemption::Swap && r.cached_tokens > 0) {
      r.kv = RequestRecord::Kv::SwappingOut;
      r.swapped_bytes_per_device = ledger_.kv_held(id);
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

void Engine::run_decode(const Step& step, std::vector<std::int64_t> contexts, TimePs first_ps) {
  const StepModel& model = step_models_[static_cast<std::size_t>(step.expert)];
  // A scheduler's claim that its choice repeats holds for the state it chose
  // in. Preparing this step may have preempted requests or evicted experts
  // since (room the next choice sees, step by step): then this step runs alone.
  const bool as_chosen = freed_at_choice_ == std::pair(result_.preemptions, ledger_.evictions());
  const Repeat repeat =
      setup_.coalesce_decode_runs && as_chosen ? scheduler_->repeats(step, records_, sim_.now()) : Repeat{};
  const DecodeRun* run = nullptr;
  if (repeat.repeats) {
    std::vector<DecodeRunRequest>& requests = run_requests_;
    requests.clear();
    for (const std::int64_t id : step.requests) {
      const RequestRecord& r = records_[id];
      requests.push_back(
          {r.request.input_tokens + r.tokens_out, r.request.output_tokens - r.tokens_out, ledger_.kv_held(id)});
    }
    DecodeRunLimits limits{sim_.now(),
                           first_ps,
                           std::nullopt,
                           repeat.until_next_event,
                           ledger_.free_bytes(),
                           setup_.kv_block_tokens,
                           setup_.record_token_times};
    if (repeat.until_next_event) limits.horizon_ps = sim_.next_event_time();
    if (repeat.until_ps != kNever)
      limits.horizon_ps = std::min(limits.horizon_ps.value_or(repeat.until_ps), repeat.until_ps);
    run = &decode_runs_.plan(
        requests, std::move(contexts), limits,
        [this, &step](std::int64_t tokens) { return kv_bytes_per_device(step.expert, tokens); },
        [this, &model](std::span<const std::int64_t> c) {
          return seconds_to_ps_ceil(exec_.decode(model, c).total_s());
        });
  } else {
    run = &decode_runs_.single(first_ps);
  }
  for (const auto& [at_ps, bytes] : run->growth) ledger_.charge(bytes, at_ps);
  if (!run->growth.empty())
    for (std::size_t k = 0; k < step.requests.size(); ++k) ledger_.set_kv_held(step.requests[k], run->held_bytes[k]);
  const std::int64_t steps = run->steps;
  const TimePs total = run->total_ps;
  std::vector<TimePs> step_ps = run->step_ps;
  sim_.schedule_in(total, kinds_.decode_run, [this, steps, step_ps = std::move(step_ps)] {
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
    run_steps_ = steps;
    compute_done();
  });
}

void Engine::compute_done() {
  const Step& step = *current_;
  if (setup_.timeline != nullptr) {
    const bool prefill = step.kind == Step::Kind::Prefill;
    const std::string& expert = setup_.expert_names[static_cast<std::size_t>(step.expert)];
    setup_.timeline->slice(
        index_, TimelineRecorder::Track::Compute,
        prefill ? fmt::format("prefill {} ({} requests)", expert, step.requests.size())
                : fmt::format("decode {} x{} ({} requests)", expert, run_steps_, step.requests.size()),
        prefill ? "prefill" : "decode", compute_start_ps_, sim_.now(),
        fmt::format("{{\"expert\":{},\"requests\":{},\"steps\":{}}}", step.expert, step.requests.size(), run_steps_));
  }
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
      timeline_load();
      context_.request_ended();
    }
  }
  finish_step();
}

void Engine::reject(std::int64_t id, std::string reason) {
  RequestRecord& r = records_[id];
  r.outcome = Outcome::Rejected;
  r.reject_reason = std::move(reason);
  r.finish_ps = sim_.now();
  ++ended_;
  timeline_load();
  context_.request_ended();
  release_kv(r);
  std::erase(current_->requests, id);
  scheduler_->on_rejected(id);
}

void Engine::finish_step() {
  scheduler_->on_step_done(*current_, records_);
  current_.reset();
  step_seen_ = false;
  state_ = State::Ready;
  kick();
}

void Engine::timeline_load() const {
  if (setup_.timeline != nullptr) setup_.timeline->counter(index_, "requests", sim_.now(), static_cast<double>(load()));
}

void Engine::describe_model_choices() {
  const TpGroupHardware& hw = exec_.hardware();
  result_.notes.push_back(exec_.describe());
  if (const auto overflow = slow_tier_overflow(setup_, tp_)) result_.notes.push_back(*overflow);
  const auto accelerators = static_cast<int>(platform_.accelerators().size());
  const int engines = setup_.nodes * (accelerators / tp_);
  if (setup_.nodes > 1)
    result_.notes.push_back(
        fmt::format("{} identical nodes, each with its own tiers and links; experts {}", setup_.nodes,
                    setup_.placement == Placement::Partitioned ? "partitioned (expert e on node e mod N)"
                                                               : "servable on every node"));
  if (engines > 1)
    result_.notes.push_back(
        fmt::format("{} engines of TP{}, each with its own fast tier, experts and scheduler; "
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

}  // namespace coesim::serving
