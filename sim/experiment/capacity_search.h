#pragma once
// `coesim search capacity`: the highest load an experiment serves within a
// latency SLO. The load is the workload's rate (a trace's rate_scale, a
// Poisson workload's rate_per_s); the search brackets it by doubling or
// halving from the experiment's own rate and then bisects, each probe one
// whole run. Bisection assumes p99 latency does not fall as load rises, which
// small request counts do not guarantee, so every probe is kept for a reader
// to check.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/config/config_doc.h"
#include "sim/experiment/experiment.h"
#include "sim/experiment/latency_slo.h"

namespace coesim::experiment {

// A LatencySlo is met when p99 TTFT <= ttft_p99_s, p99 TPOT <= tpot_p99_s
// (if given) and no request was rejected.

// The setting that scales an experiment's load, and its value as written.
struct LoadKnob {
  std::string setting;  // workload.rate_scale | workload.rate_per_s
  double experiment_load = 0;
};

// Throws config::ConfigError at workload.kind for a kind with no rate to
// scale (burst: all at time 0; explicit: times as listed).
LoadKnob load_knob(const config::ConfigDoc& doc, const Experiment& experiment);

// One run at one load, judged against the SLO.
struct LoadProbe {
  double load = 0;   // the knob's value
  double scale = 0;  // load / the experiment's own load
  std::int64_t requests = 0;
  double arrival_span_s = 0;  // last arrival - first
  double makespan_s = 0;      // when the last request ended: far past the last arrival, a queue was building
  // requests / arrival span; none when every request arrives at one instant.
  std::optional<double> mean_requests_per_s;
  std::optional<double> ttft_p99_s;  // none when no request finished
  std::optional<double> tpot_p99_s;  // none when no request made a second token
  std::size_t rejected = 0;
  std::map<std::string, std::size_t> reject_reasons;
  std::uint64_t trace_hash = 0;
  // The run's notes that are warnings (e.g. the experts do not fit the slow
  // tier): the SLO may be met by a configuration that could not exist.
  std::vector<std::string> warnings;
  bool met = false;
  std::string why_not;  // empty when met
};

// Runs `doc` (with `overrides`) with the knob set to `load`, as `coesim run
// EXPERIMENT --set KNOB=LOAD` would, keeping only the summary.
LoadProbe probe_load(const config::ConfigDoc& doc, const ExperimentOverrides& overrides, const LoadKnob& knob,
                     double load, const LatencySlo& slo);

// Whether a probe's figures meet the SLO; fills met and why_not.
void judge(LoadProbe& probe, const LatencySlo& slo);

// The text of `load` as --set writes it: the shortest that reads back as the same double.
std::string load_text(double load);

struct CapacitySearchOptions {
  LatencySlo slo;                 // what the probes were judged by (for the monotonicity check)
  double start_load = 0;          // the first probe (clamped into [lo, hi])
  std::optional<double> lo_load;  // default start / 1024
  std::optional<double> hi_load;  // default start * 1024
  double rel_tolerance = 0.02;    // stop when not_met / met - 1 <= this
  int max_runs = 40;
};

enum class CapacityOutcome {
  found,     // met at one load, not at one at most rel_tolerance above it
  at_least,  // met at the highest load probed: the capacity is at least that (--hi or max runs reached)
  not_met,   // no probe met the SLO
};

struct CapacitySearch {
  CapacityOutcome outcome = CapacityOutcome::not_met;
  std::optional<double> met_load;      // highest load that met (the answer)
  std::optional<double> not_met_load;  // lowest load above it that did not
  double lo_load = 0, hi_load = 0;     // the range searched
  std::string stopped_because;
  std::vector<LoadProbe> probes;  // in the order run
  // Where a judged p99 (TTFT, and TPOT when the SLO has one) fell by more
  // than 1% as load rose across the probes: the latency is not monotone
  // there and bisection may have missed a crossing. Empty when none fell.
  std::string non_monotone;
};

// Brackets by doubling (from a met start) or halving (from a missed one)
// within [lo, hi], then bisects geometrically. `probe` runs one load. Throws
// std::invalid_argument for options out of range.
CapacitySearch search_capacity(const CapacitySearchOptions& options, const std::function<LoadProbe(double)>& probe);

const char* outcome_name(CapacityOutcome outcome);

}  // namespace coesim::experiment
