#include "sim/experiment/capacity_search.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "sim/config/section.h"
#include "sim/serving/serving_metrics.h"

namespace coesim::experiment {
namespace {

// Without --lo / --hi the search goes this factor either side of the start.
constexpr double kDefaultRangeFactor = 1024;

// The first and last arrival of a run, from the requests as they enter it.
class ArrivalSpan : public RunObserver {
 public:
  void on_start(std::int64_t /*total_requests*/) override {}
  void on_request(const serving::Request& r) override {
    first_ps_ = count_ == 0 ? r.arrival_ps : std::min(first_ps_, r.arrival_ps);
    last_ps_ = count_ == 0 ? r.arrival_ps : std::max(last_ps_, r.arrival_ps);
    ++count_;
  }
  std::int64_t count() const { return count_; }
  double span_s() const { return to_seconds(last_ps_ - first_ps_); }

 private:
  std::int64_t count_ = 0;
  TimePs first_ps_ = 0;
  TimePs last_ps_ = 0;
};

std::optional<double> p99_of(const serving::Distribution& d) {
  return d.count == 0 ? std::nullopt : std::optional<double>(d.p99);
}

// A p99 that falls by less than this share as load rises is not reported:
// batch composition moves p99 by that much either way, far from any verdict.
constexpr double kReportedFall = 0.01;

bool fell(const std::optional<double>& before, const std::optional<double>& after) {
  return before && after && *after < *before * (1 - kReportedFall);
}

// The first place, in load order, where a judged p99 fell as load rose.
std::string first_fall(std::vector<LoadProbe> probes, bool tpot_judged) {
  std::sort(probes.begin(), probes.end(), [](const LoadProbe& a, const LoadProbe& b) { return a.load < b.load; });
  for (std::size_t i = 1; i < probes.size(); ++i) {
    const LoadProbe& a = probes[i - 1];
    const LoadProbe& b = probes[i];
    if (fell(a.ttft_p99_s, b.ttft_p99_s))
      return fmt::format("p99 TTFT fell from {:.6g} s at load {} to {:.6g} s at load {}", *a.ttft_p99_s,
                         load_text(a.load), *b.ttft_p99_s, load_text(b.load));
    if (tpot_judged && fell(a.tpot_p99_s, b.tpot_p99_s))
      return fmt::format("p99 TPOT fell from {:.6g} s at load {} to {:.6g} s at load {}", *a.tpot_p99_s,
                         load_text(a.load), *b.tpot_p99_s, load_text(b.load));
  }
  return {};
}

}  // namespace

LoadKnob load_knob(const config::ConfigDoc& doc, const Experiment& experiment) {
  const WorkloadSpec& w = experiment.workload;
  if (w.kind == "trace") return {"workload.rate_scale", experiment.trace.rate_scale};
  if (w.kind == "poisson") return {"workload.rate_per_s", w.rate_per_s};
  const config::Section root(doc, experiment_schema());
  root.child("workload")
      .fail("kind", fmt::format("search capacity scales a workload's rate (kind trace: rate_scale; kind poisson: "
                                "rate_per_s); kind {} has no rate to scale ({})",
                                w.kind,
                                w.kind == "burst" ? "every request arrives at time 0"
                                                  : "its arrival times are listed as they are"));
}

std::string load_text(double load) { return fmt::format("{}", load); }

void judge(LoadProbe& p, const LatencySlo& slo) {
  std::vector<std::string> why = latency_misses(slo, p.ttft_p99_s, p.tpot_p99_s);
  if (p.rejected > 0) {
    std::vector<std::string> reasons;
    for (const auto& [reason, n] : p.reject_reasons) reasons.push_back(fmt::format("{} {}", n, reason));
    why.push_back(fmt::format("{} of {} requests rejected ({}): a rejected request never meets an SLO{}", p.rejected,
                              p.requests, fmt::join(reasons, ", "),
                              p.reject_reasons.contains("context_too_long")
                                  ? " (context_too_long does not depend on load: --set context_limit=truncate cuts "
                                    "such requests to fit)"
                                  : ""));
  }
  p.met = why.empty();
  p.why_not = fmt::format("{}", fmt::join(why, "; "));
}

LoadProbe probe_load(const config::ConfigDoc& doc, const ExperimentOverrides& overrides, const LoadKnob& knob,
                     double load, const LatencySlo& slo) {
  config::ConfigDoc at_load = doc.clone();
  at_load.set_from_text(knob.setting + "=" + load_text(load), "search capacity");
  const std::unique_ptr<Experiment> x = load_experiment(at_load, overrides);
  serving::SummaryAccumulator summary;
  ArrivalSpan arrivals;
  const serving::ServingResult result = run_experiment(*x, summary, &arrivals);
  const serving::ServingSummary s = summary.finish(result);
  LoadProbe p;
  p.load = load;
  p.scale = load / knob.experiment_load;
  p.requests = arrivals.count();
  p.arrival_span_s = arrivals.span_s();
  p.makespan_s = s.makespan_s;
  if (p.arrival_span_s > 0) p.mean_requests_per_s = static_cast<double>(p.requests) / p.arrival_span_s;
  p.ttft_p99_s = p99_of(s.ttft_s);
  p.tpot_p99_s = p99_of(s.tpot_s);
  p.rejected = s.rejected;
  p.reject_reasons = s.reject_reasons;
  p.trace_hash = result.trace_hash;
  for (const std::string& note : result.notes)
    if (note.starts_with("warning:")) p.warnings.push_back(note);
  judge(p, slo);
  return p;
}

CapacitySearch search_capacity(const CapacitySearchOptions& o, const std::function<LoadProbe(double)>& probe) {
  if (!(o.start_load > 0 && std::isfinite(o.start_load)))
    throw std::invalid_argument(fmt::format("the start load must be finite and > 0, not {}", o.start_load));
  CapacitySearch s;
  s.lo_load = o.lo_load.value_or(o.start_load / kDefaultRangeFactor);
  s.hi_load = o.hi_load.value_or(o.start_load * kDefaultRangeFactor);
  if (!(s.lo_load > 0)) throw std::invalid_argument(fmt::format("the lowest load must be > 0, not {}", s.lo_load));
  if (!(s.hi_load >= s.lo_load))
    throw std::invalid_argument(
        fmt::format("the lowest load {} is above the highest {}", load_text(s.lo_load), load_text(s.hi_load)));
  if (!(o.rel_tolerance > 0)) throw std::invalid_argument("the relative tolerance must be > 0");
  if (o.max_runs < 1) throw std::invalid_argument("the search needs at least one run");

  const auto runs = [&s] { return static_cast<int>(s.probes.size()); };
  const auto run = [&](double load) {
    s.probes.push_back(probe(load));
    if (s.probes.back().met)
      s.met_load = std::max(s.met_load.value_or(load), load);
    else
      s.not_met_load = std::min(s.not_met_load.value_or(load), load);
  };
  const auto finish = [&](CapacityOutcome outcome, std::string why) {
    s.outcome = outcome;
    s.stopped_because = std::move(why);
    s.non_monotone = first_fall(s.probes, o.slo.tpot_p99_s.has_value());
    return s;
  };

  run(std::clamp(o.start_load, s.lo_load, s.hi_load));
  // Bracket: double from a met start, halve from a missed one.
  while (!s.not_met_load) {
    if (*s.met_load >= s.hi_load)
      return finish(CapacityOutcome::at_least,
                    fmt::format("met at the highest load allowed, {} (--hi)", load_text(s.hi_load)));
    if (runs() >= o.max_runs)
      return finish(CapacityOutcome::at_least, fmt::format("{} runs (--max-runs) all met the SLO", o.max_runs));
    run(std::min(*s.met_load * 2, s.hi_load));
  }
  while (!s.met_load) {
    if (*s.not_met_load <= s.lo_load)
      return finish(CapacityOutcome::not_met,
                    fmt::format("not met even at the lowest load allowed, {} (--lo)", load_text(s.lo_load)));
    if (runs() >= o.max_runs)
      return finish(CapacityOutcome::not_met, fmt::format("{} runs (--max-runs) and none met the SLO, down to load {}",
                                                          o.max_runs, load_text(*s.not_met_load)));
    run(std::max(*s.not_met_load / 2, s.lo_load));
  }
  // Bisect the bracket (geometrically: the tolerance is relative).
  while (*s.not_met_load / *s.met_load - 1 > o.rel_tolerance) {
    if (runs() >= o.max_runs)
      return finish(
          CapacityOutcome::at_least,
          fmt::format("{} runs (--max-runs) before the bracket narrowed to {} relative", o.max_runs, o.rel_tolerance));
    run(std::sqrt(*s.met_load * *s.not_met_load));
  }
  return finish(CapacityOutcome::found,
                fmt::format("the bracket is within {} relative (--rel-tolerance)", o.rel_tolerance));
}

const char* outcome_name(CapacityOutcome outcome) {
  switch (outcome) {
    case CapacityOutcome::found:
      return "found";
    case CapacityOutcome::at_least:
      return "at_least";
    case CapacityOutcome::not_met:
      return "not_met";
  }
  return "unknown";
}

}  // namespace coesim::experiment
