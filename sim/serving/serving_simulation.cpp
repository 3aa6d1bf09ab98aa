#include "sim/serving/serving_simulation.h"

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

#include "sim/config/config_error.h"
#include "sim/serving/dispatcher.h"
#include "sim/serving/engine.h"
#include "sim/serving/result_sink.h"
#include "sim/serving/run_context.h"
#include "sim/serving/setup_checks.h"

namespace coesim::serving {
namespace {

// The engines of a platform (accelerators / TP of them) and the dispatcher
// that gives each arriving request to one.
class Cluster : DispatchView {
 public:
  Cluster(const ServingSetup& s, ResultSink& sink)
      : setup_(validated(s)), context_(*s.platform, s.nodes, s.link_bucket_s, sink, s.part_requests) {
    const hw::Platform& p = *s.platform;
    const int tp = s.tensor_parallel > 0 ? s.tensor_parallel : p.serving.tensor_parallel;
    per_node_ = static_cast<int>(p.accelerators().size()) / tp;
    const int engines = s.nodes * per_node_;
    if (const auto problem = setup_problem(s)) throw config::UsageError(problem->message);
    if (eviction_policy_registry().at(s.eviction.policy).needs_future_uses && s.eviction.future_uses.empty())
      throw std::invalid_argument("serving: belady needs the future expert sequence (eviction.future_uses) up front");
    context_.execution = make_execution(p, tp);
    arrival_kind_ = context_.sim.event_kind("arrival");
    dispatcher_ = dispatcher_registry().at(s.dispatcher).make();
    context_.result.experts.resize(s.expert_models.size());
    for (std::size_t e = 0; e < s.expert_names.size(); ++e) context_.result.experts[e].name = s.expert_names[e];
    for (int i = 0; i < engines; ++i)
      engines_.push_back(std::make_unique<Engine>(setup_, context_, i, i / per_node_, i % per_node_, tp));
  }

  // Schedules the request's arrival, then runs every event before it: the
  // next arrival is always in the queue, as if the whole workload had been
  // scheduled up front (decode runs stop at it), and arrivals at one instant
  // run before anything else then, in id order.
  void add(Request r) {
    if (finished_) throw std::logic_error("serving: a request added after the run finished");
    if (r.expert < 0 || r.expert >= static_cast<int>(setup_.expert_models.size()))
      throw std::invalid_argument(
          fmt::format("serving: request {} names expert {} of {}", r.id, r.expert, setup_.expert_models.size()));
    if (r.output_tokens < 1 || r.input_tokens < 1)
      throw std::invalid_argument(fmt::format("serving: request {} needs >= 1 input and output token", r.id));
    if (r.arrival_ps < last_arrival_ps_ || r.arrival_ps < context_.sim.now())
      throw std::invalid_argument(
          fmt::format("serving: request {} arrives before the one ahead of it: requests must be "
                      "in arrival order",
                      r.id));
    const std::int64_t id = r.id;
    const TimePs at = r.arrival_ps;
    const bool too_long = fit_context(r);
    context_.records.add(std::move(r));  // checks the id; a refused request changes nothing
    if (too_long && setup_.context_limit == ContextLimit::Reject)
      ++context_.result.context_rejected;
    else if (too_long)
      ++context_.result.context_truncated;
    last_arrival_ps_ = at;
    const bool reject = too_long && setup_.context_limit == ContextLimit::Reject;
    context_.sim.schedule_at(
        at, arrival_kind_,
        [this, id, reject] {
          if (reject) return reject_at_arrival(id);
          engines_[static_cast<std::size_t>(dispatch(context_.records[id].request))]->accept(id);
        },
        Simulator::kPriorityFirst);
    if (at > context_.sim.now()) context_.sim.run_until(at - 1);
  }

  ServingResult finish() {
    if (finished_) throw std::logic_error("serving: the run finished twice");
    finished_ = true;
    context_.sim.run();
    context_.network.check_all_finished();
    const TimePs end_ps = context_.sim.now();
    context_.finish(end_ps);
    ServingResult& result = context_.result;
    if (result.context_rejected > 0)
      result.notes.push_back(
          fmt::format("{} requests longer than their expert's context (input + output > "
                      "max_context_tokens) were rejected as context_too_long (context_limit: reject)",
                      result.context_rejected));
    if (result.context_truncated > 0)
      result.notes.push_back(
          fmt::format("{} requests longer than their expert's context were truncated to it, output "
                      "first (context_limit: truncate)",
                      result.context_truncated));
    result.end_ps = end_ps;
    result.events = context_.sim.events_executed();
    result.events_by_kind = context_.sim.events_by_kind();
    result.trace_hash = context_.sim.trace_hash();
    return std::move(result);
  }

 private:
  // True when the request is longer than its expert's context; under
  // truncate, shortens it (output first, keeping one output token).
  bool fit_context(Request& r) const {
    const std::int64_t limit = setup_.expert_models[static_cast<std::size_t>(r.expert)]->max_context_tokens;
    if (limit <= 0 || r.input_tokens + r.output_tokens <= limit) return false;
    if (setup_.context_limit == ContextLimit::Truncate) {
      r.input_tokens = std::min(r.input_tokens, limit - 1);
      r.output_tokens = limit - r.input_tokens;
    }
    return true;
  }

  // A request refused at admission: it ends where it arrived.
  void reject_at_arrival(std::int64_t id) {
    RequestRecord& r = context_.records[id];
    r.outcome = Outcome::Rejected;
    r.reject_reason = "context_too_long";
    r.finish_ps = context_.sim.now();
    context_.request_ended();
  }

  static const ServingSetup& validated(const ServingSetup& setup) {
    if (setup.platform == nullptr) throw std::invalid_argument("serving: no platform");
    if (setup.expert_models.size() != setup.expert_names.size() || setup.expert_models.empty())
      throw std::invalid_argument("serving: one model per named expert, at least one");
    if (setup.kv_block_tokens < 1) throw std::invalid_argument("serving: kv_block_tokens must be >= 1");
    if (setup.nodes < 1) throw std::invalid_argument("serving: nodes must be >= 1");
    return setup;
  }

  // With partitioned placement only the engines of node (expert mod nodes)
  // are candidates.
  int dispatch(const Request& r) {
    int first = 0;
    auto n = static_cast<int>(engines_.size());
    if (setup_.placement == Placement::Partitioned) {
      first = (r.expert % setup_.nodes) * per_node_;
      n = per_node_;
    }
    return n == 1 ? first : dispatcher_->choose(r, first, n, *this);
  }

  std::int64_t load(int engine) const override { return engines_[static_cast<std::size_t>(engine)]->load(); }
  bool holds(int engine, int expert) const override {
    return engines_[static_cast<std::size_t>(engine)]->holds(expert);
  }

  const ServingSetup& setup_;
  RunContext context_;
  std::vector<std::unique_ptr<Engine>> engines_;
  std::unique_ptr<Dispatcher> dispatcher_;
  EventKind arrival_kind_;
  int per_node_ = 1;
  TimePs last_arrival_ps_ = 0;
  bool finished_ = false;
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
    for (std::size_t k = 0; k < part.link_utilisation.size(); ++k)
      move_rows(rows_.link_utilisation[k], part.link_utilisation[k]);
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

ServingResult run_serving(const ServingSetup& setup, std::vector<Request> requests) {
  ServingSetup s = setup;
  // Belady's future: the experts of the requests in service order (arrival
  // order, with one engine), unless the caller gave it.
  if (eviction_policy_registry().at(s.eviction.policy).needs_future_uses && s.eviction.future_uses.empty())
    for (const Request& r : requests) s.eviction.future_uses.push_back(r.expert);
  CollectingSink rows;
  ServingRun run(s, rows);
  for (Request& r : requests) run.add(std::move(r));
  return rows.whole(run.finish());
}

}  // namespace coesim::serving
