// `coesim run EXPERIMENT.yaml`: one serving simulation. Prints a summary
// (latency percentiles, throughput, switches, hit rate, per-batch latency),
// or --json; with --out DIR also writes DIR/summary.json and DIR/results.h5
// (per-request table, switches, fast-tier occupancy), each atomically. The
// run streams: requests come from the workload as it goes, and rows go to
// the summary and to results.h5 as they become final, so memory does not
// grow with the length of the trace. The files hold no wall time: the same
// inputs give the same bytes, which `--reproduce SUMMARY.json` checks by
// rerunning a run from the resolved experiment its summary recorded.
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "sim/cli/command.h"
#include "sim/cli/number_checks.h"
#include "sim/cli/report.h"
#include "sim/cli/run_summary.h"
#include "sim/config/config_error.h"
#include "sim/config/input_files.h"
#include "sim/experiment/experiment.h"
#include "sim/experiment/provenance.h"
#include "sim/experiment/recorded_run.h"
#include "sim/serving/hdf5_results.h"
#include "sim/serving/result_sink.h"
#include "sim/serving/serving_metrics.h"
#include "sim/serving/timeline.h"
#include "sim/io/pending_file.h"

namespace coesim::cli {
namespace {

struct RunOptions {
  std::string experiment_file;
  std::string reproduce;  // a summary.json to rerun
  std::vector<std::string> overrides;
  std::string out_dir;
  bool json = false;
  bool print_config = false;
  bool quiet = false;
  std::string timeline_file;
  double timeline_from_s = 0;
  double timeline_to_s = -1;  // < 0: to the end
  std::size_t timeline_max_events = 2'000'000;
};

// The recorder for --timeline, or none.
std::unique_ptr<serving::TimelineRecorder> timeline_for(const RunOptions& o, const experiment::Experiment& x) {
  if (o.timeline_file.empty()) return nullptr;
  serving::TimelineOptions t;
  t.from_ps = seconds_to_ps_round(o.timeline_from_s);
  if (o.timeline_to_s >= 0) {
    if (o.timeline_to_s <= o.timeline_from_s)
      throw config::UsageError(
          fmt::format("--timeline-to-s {} must be after --timeline-from-s {}", o.timeline_to_s, o.timeline_from_s));
    if (!fits_in_simulated_time(o.timeline_to_s))
      throw config::UsageError(fmt::format("--timeline-to-s {} is past the simulated time range", o.timeline_to_s));
    t.to_ps = seconds_to_ps_round(o.timeline_to_s);
  }
  t.max_events = o.timeline_max_events;
  t.link_bucket_s = x.setup.link_bucket_s;
  return std::make_unique<serving::TimelineRecorder>(t);
}

// What run prints: the summary (as summary.json has it, with the wall time),
// in text a few lines that name its figures.
Report run_report(const nlohmann::json& summary) {
  Report out;
  out.set_all(summary);
  out.line(std::string("experiment {experiment} on {platform}: {experts} experts ({expert_models}), scheduler "
                       "{scheduler} (batch {batch_size}), eviction {eviction_policy}") +
           (summary.at("prefetch").get<bool>() ? " + prefetch" : ""));
  out.line(
      "fast tier {fast_tier_capacity_bytes_per_device/1e9:.2f} GB per device, peak use "
      "{peak_fast_tier_used_bytes_per_device/1e9:.2f} GB; {experts_that_fit} experts fit beside router and "
      "workspace");
  out.line(
      "requests {summary.requests} finished {summary.finished} rejected {summary.rejected}; makespan "
      "{summary.makespan_s:.3f} s; {summary.output_tokens_per_s:.1f} output tokens/s");
  Table& rejected = out.table("", {{.cell = "{requests}"}, {.cell = "{reason}", .gap = ": "}});  // text only
  rejected.indent = "  rejected ";
  for (const auto& [reason, n] : summary.at("summary").at("reject_reasons").items())
    rejected.add(Report().set("requests", n).set("reason", reason));
  out.line(
      "switches {summary.switches} (prefetched {summary.prefetches}), evictions {summary.evictions}, "
      "{summary.bytes_moved/1e9:.2f} GB moved, fast-tier hit rate {summary.fast_tier_hit_rate:.3f}, preemptions "
      "{summary.preemptions}");
  for (const auto& [name, key] : {std::pair{"ttft", "ttft_s"},
                                  {"tpot", "tpot_s"},
                                  {"end-to-end", "e2e_s"},
                                  {"queueing", "queueing_s"},
                                  {"switch wait", "switch_wait_s"},
                                  {"service", "service_s"},
                                  {"batch latency", "batch_latency_s"}}) {
    const std::string d = fmt::format("summary.{}", key);  // a distribution, in ms in text
    out.line(fmt::format("{:<16} ", name) +
             (summary.at("summary").at(key).at("count") == 0
                  ? "-"
                  : fmt::format("mean {{{0}.mean*1e3:9.3f}}  p50 {{{0}.p50*1e3:9.3f}}  p90 {{{0}.p90*1e3:9.3f}}  "
                                "p99 {{{0}.p99*1e3:9.3f}}  max {{{0}.max*1e3:9.3f}} ms",
                                d)));
  }
  for (std::size_t i = 0; i < summary.at("notes").size(); ++i) out.line(fmt::format("note: {{notes.{}}}", i));
  std::vector<std::string> kinds;
  for (const auto& [kind, n] : summary.at("events_by_kind").items())
    kinds.push_back(fmt::format("{} {}", kind, n.get<std::uint64_t>()));
  out.text_only("events_by_kind_text", fmt::format("{}", fmt::join(kinds, ", ")));
  out.line("{events} events ({events_by_kind_text}), trace hash {trace_hash}, {wall_s:.3f} s wall");
  return out;
}

// The rerun's summary against the recorded one: the first JSON path where
// they differ, or nothing when the bytes are the same.
std::optional<std::string> first_difference(const std::string& recorded_text, const std::string& rerun_text) {
  if (recorded_text == rerun_text) return std::nullopt;
  const nlohmann::json patch =
      nlohmann::json::diff(nlohmann::json::parse(recorded_text), nlohmann::json::parse(rerun_text));
  return patch.empty() ? std::string("(formatting only)") : patch[0].value("path", std::string("/"));
}

int run(const RunOptions& o) {
  if (o.experiment_file.empty() == o.reproduce.empty())
    throw config::UsageError("run needs an experiment file, or --reproduce SUMMARY.json instead");
  const config::InputFileLog inputs;  // every file loaded from here on, hashed into the result
  std::optional<experiment::RecordedRun> recorded;
  config::ConfigDoc doc;
  if (!o.reproduce.empty()) {
    recorded = experiment::read_recorded_run(o.reproduce);
    for (const std::string& file : recorded->input_files) config::InputFileLog::record(file);  // checked unchanged
    doc = config::ConfigDoc::parse(recorded->experiment_yaml, recorded->experiment_file);
  } else {
    doc = config::ConfigDoc::load(o.experiment_file);
  }
  experiment::ExperimentOverrides below;
  experiment::add_overrides(doc, below, o.overrides);
  const std::unique_ptr<experiment::Experiment> x = experiment::load_experiment(doc, below);
  if (o.print_config) {
    fmt::print("# experiment {} as run: files merged, every --set folded in, paths relative to its directory\n{}\n",
               x->file, x->resolved_yaml);
    return kExitOk;
  }
  if (std::error_code ec; !o.out_dir.empty() && !std::filesystem::create_directories(o.out_dir, ec) && ec)
    throw config::UsageError(fmt::format("--out {}: cannot create the directory: {}", o.out_dir, ec.message()));
  const std::unique_ptr<serving::TimelineRecorder> timeline = timeline_for(o, *x);
  ExperimentRun run({x.get(), &inputs, recorded ? recorded->command_line : command_line(),
                     o.out_dir.empty() ? std::filesystem::path() : std::filesystem::path(o.out_dir) / "results.h5",
                     timeline.get(), !o.quiet, !o.quiet});
  const serving::ServingResult& result = run.output().result;
  nlohmann::json out = run.output().summary;
  const std::string& summary_text = run.output().summary_text;
  if (timeline) {
    nlohmann::json about = out["provenance"];
    about["experiment"] = x->name;
    about["window_s"] = {o.timeline_from_s,
                         o.timeline_to_s < 0 ? nlohmann::json(nullptr) : nlohmann::json(o.timeline_to_s)};
    about["max_events"] = o.timeline_max_events;
    about["events_by_kind"] = out["events_by_kind"];
    if (timeline->truncated()) {
      const std::string why = fmt::format(
          "the timeline reached {} events at {:.6f} s and stops there: choose a "
          "window with --timeline-from-s / --timeline-to-s",
          o.timeline_max_events, to_seconds(timeline->truncated_at_ps()));
      about["truncated"] = why;
      if (!o.quiet) fmt::print(stderr, "coesim: warning: {}\n", why);
    }
    timeline->write(o.timeline_file, result, about.dump());
  }
  if (!o.out_dir.empty()) {  // both written whole before either is renamed into place, summary.json last
    io::PendingFile summary_file(std::filesystem::path(o.out_dir) / "summary.json");
    io::write_text(summary_file, summary_text);
    run.commit_results();
    summary_file.commit();
  }
  std::optional<std::string> difference;
  if (recorded) {
    difference = first_difference(recorded->summary_text, summary_text);
    if (difference)
      fmt::print(stderr, "coesim: the rerun differs from {} at {} (recorded by coesim {}, this is coesim {})\n",
                 recorded->summary_file, *difference, recorded->coesim_version, experiment::coesim_version());
    else if (!o.quiet)
      fmt::print(stderr, "coesim: reproduced {}: the rerun's summary.json is byte-identical\n", recorded->summary_file);
  }
  const int exit_code = difference ? kExitSimulationError : kExitOk;
  out["wall_s"] = run.output().wall_s;
  const Report report = run_report(out);
  fmt::print("{}", o.json ? json_text(report) : report.text());
  return exit_code;
}

}  // namespace

RunFunction add_run_command(CLI::App& app) {
  auto o = std::make_shared<RunOptions>();
  CLI::App* cmd = app.add_subcommand("run", "run one serving simulation from an experiment file");
  CLI::Option* experiment =
      cmd->add_option("experiment", o->experiment_file, "experiment file (see `coesim schema experiment`)");
  CLI::Option* sets =
      cmd->add_option("--set", o->overrides,
                      "override a field, repeatable: an experiment field (--set scheduler.batch_size=8), a field of "
                      "its platform file (--set \"platform.links.ddr_to_hbm.bandwidth_bytes_per_s=2 TB/s\", applied "
                      "after the experiment's platform_set) or of every expert's model file (--set "
                      "model.max_context_tokens=8192)");
  cmd->add_option("--reproduce", o->reproduce,
                  "rerun the run a summary.json describes, from its resolved experiment (provenance.experiment_yaml), "
                  "in the directory the run was made in; every input's sha256 is checked first (exit 2 if one "
                  "changed), and the rerun's summary.json is compared with it: byte-identical, or exit 1 naming the "
                  "first difference")
      ->excludes(experiment)
      ->excludes(sets);
  cmd->add_option("--out", o->out_dir, "write DIR/summary.json and DIR/results.h5 (each atomically)");
  cmd->add_flag("--json", o->json,
                "print the summary as one JSON object (with `provenance`: coesim version, command line, the "
                "resolved experiment and platform as YAML, sha256 of every input file)");
  cmd->add_flag("--quiet", o->quiet,
                "no progress lines or warnings on stderr (warnings stay in the notes); progress shows only for runs "
                "longer than about a second");
  cmd->add_option("--timeline", o->timeline_file,
                  "write what each engine did and when as Chrome trace-event JSON (open in Perfetto or "
                  "chrome://tracing): router passes, prefill and decode steps, expert loads, KV swaps, queue depth, "
                  "link and tier utilisation");
  cmd->add_option("--timeline-from-s", o->timeline_from_s, "timeline: keep what ends at or after this time")
      ->check(non_negative_number())
      ->capture_default_str();
  cmd->add_option("--timeline-to-s", o->timeline_to_s, "timeline: keep what starts before this time (default: the end)")
      ->check(positive_number());
  cmd->add_option("--timeline-max-events", o->timeline_max_events,
                  "timeline: stop recording after this many events (the file says where it stopped)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{100'000'000}))
      ->capture_default_str();
  cmd->add_flag("--print-config", o->print_config,
                "print the experiment as it would run (files merged, every --set applied) and stop");
  return [cmd, o]() -> int { return cmd->parsed() ? run(*o) : -1; };
}

}  // namespace coesim::cli
