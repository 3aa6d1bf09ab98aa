// `coesim search capacity EXPERIMENT --slo-ttft-p99-s X`: the highest load
// (a trace's rate_scale, a Poisson workload's rate_per_s) the experiment
// serves within a p99 latency SLO, found by bracketing and bisection, each
// probe a whole run in this process (sim/experiment/capacity_search.h). It
// prints the answer, the bracket, the number of runs and every probe, so a
// reader can check the monotonicity bisection assumes. With --sweep, each
// point of a sweep file is a configuration with a search of its own. Exit 0
// whenever the search ran, the SLO met or not: `outcome` says which.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "sim/cli/command.h"
#include "sim/cli/number_checks.h"
#include "sim/cli/report.h"
#include "sim/config/config_error.h"
#include "sim/config/input_files.h"
#include "sim/cli/sweep_run.h"
#include "sim/experiment/capacity_search.h"
#include "sim/experiment/design_search.h"
#include "sim/io/csv_field.h"
#include "sim/io/pending_file.h"
#include "sim/experiment/experiment.h"
#include "sim/experiment/provenance.h"

namespace coesim::cli {
namespace {

constexpr const char* kAssumption =
    "bisection assumes p99 latency is monotone in load (never falls as load rises), which small request counts do "
    "not guarantee: the probes are listed to check it";

struct SearchOptions {
  std::string experiment_file;
  std::vector<std::string> overrides;
  double slo_ttft_p99_s = 0;
  std::optional<double> slo_tpot_p99_s;
  std::optional<double> lo;
  std::optional<double> hi;
  double rel_tolerance = 0.02;
  int max_runs = 40;
  bool json = false;
  bool quiet = false;
  // design
  std::string sweep_file;
  std::string out_dir;
  unsigned jobs = 1;
};

nlohmann::json optional_json(const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); }

Report probe_row(int run, const experiment::LoadProbe& p) {
  Report row;
  row.set("run", run)
      .set("load", p.load)
      .set("scale", p.scale)
      .set("requests", p.requests)
      .set("arrival_span_s", p.arrival_span_s)
      .set("makespan_s", p.makespan_s)
      .set("mean_requests_per_s", optional_json(p.mean_requests_per_s))
      .set("ttft_p99_s", optional_json(p.ttft_p99_s))
      .set("tpot_p99_s", optional_json(p.tpot_p99_s))
      .set("rejected", p.rejected)
      .set("reject_reasons", p.reject_reasons)
      .set("met", p.met)
      .set("why_not", p.met ? nlohmann::json() : nlohmann::json(p.why_not))
      .set("trace_hash", fmt::format("{:016x}", p.trace_hash))
      .set("warnings", p.warnings);
  row.text_only("met_text", "yes");  // a row that missed prints why instead
  return row;
}

// What one capacity search is of: an experiment file and the settings on it
// (a sweep point's, then --set), as `coesim run` takes them.
struct Configuration {
  std::string experiment_file;
  std::vector<std::string> sets;
};

// `coesim run` of the configuration at `load`: what the answer's figures come from.
std::string run_command_at(const Configuration& c, const experiment::LoadKnob& knob, double load) {
  std::string line = "coesim run " + shell_quoted(c.experiment_file);
  for (const std::string& s : c.sets) line += " --set " + shell_quoted(s);
  return line + " --set " + knob.setting + "=" + experiment::load_text(load);
}

// The SLO a search judges by, as JSON and as a line over that JSON's "slo".
nlohmann::json slo_json(const SearchOptions& o) {
  return {{"ttft_p99_s", o.slo_ttft_p99_s}, {"tpot_p99_s", optional_json(o.slo_tpot_p99_s)}, {"rejected_requests", 0}};
}
std::string slo_template(const SearchOptions& o) {
  return std::string("p99 TTFT <= {slo.ttft_p99_s} s") + (o.slo_tpot_p99_s ? ", p99 TPOT <= {slo.tpot_p99_s} s" : "") +
         ", no request rejected";
}

// The warnings of a search's runs, each once, in the order they came.
std::vector<std::string> warnings_of(const experiment::CapacitySearch& s) {
  std::vector<std::string> out;
  for (const experiment::LoadProbe& p : s.probes)
    for (const std::string& w : p.warnings)
      if (std::find(out.begin(), out.end(), w) == out.end()) out.push_back(w);
  return out;
}

Report search_report(const SearchOptions& o, const Configuration& c, const experiment::Experiment& x,
                     const experiment::LoadKnob& knob, const experiment::CapacitySearch& s) {
  using experiment::CapacityOutcome;
  Report out;
  out.set("experiment", x.name)
      .set("file", x.file)
      .set("platform", x.platform.name)
      .set("load_setting", knob.setting)
      .set("experiment_load", knob.experiment_load)
      .set("slo", slo_json(o))
      .set("outcome", experiment::outcome_name(s.outcome))
      .set("met", s.outcome != CapacityOutcome::not_met);
  const experiment::LoadProbe* answer = nullptr;
  for (const experiment::LoadProbe& p : s.probes)
    if (s.met_load && p.load == *s.met_load) answer = &p;
  if (answer != nullptr)
    out.set("capacity", {{"load", answer->load},
                         {"scale", answer->scale},
                         {"mean_requests_per_s", optional_json(answer->mean_requests_per_s)},
                         {"requests", answer->requests},
                         {"arrival_span_s", answer->arrival_span_s},
                         {"makespan_s", answer->makespan_s},
                         {"ttft_p99_s", optional_json(answer->ttft_p99_s)},
                         {"tpot_p99_s", optional_json(answer->tpot_p99_s)},
                         {"run_command", run_command_at(c, knob, answer->load)}});
  else
    out.set("capacity", nullptr);
  out.set("bracket", {{"met_load", optional_json(s.met_load)}, {"not_met_load", optional_json(s.not_met_load)}})
      .set("lo_load", s.lo_load)
      .set("hi_load", s.hi_load)
      .set("rel_tolerance", o.rel_tolerance)
      .set("runs", s.probes.size())
      .set("max_runs", o.max_runs)
      .set("stopped_because", s.stopped_because)
      .set("assumption", kAssumption)
      .set("non_monotone", s.non_monotone.empty() ? nlohmann::json() : nlohmann::json(s.non_monotone));

  out.line(
      "search capacity of {experiment} ({file}) on {platform}: the load is {load_setting}, {experiment_load} as "
      "written");
  out.line("SLO: " + slo_template(o));
  const std::string figures =
      "{load_setting} {capacity.load:.6g} ({capacity.scale:.4g} x as written), {capacity.mean_requests_per_s:.4g} "
      "requests/s mean ({capacity.requests} requests over {capacity.arrival_span_s:.4g} s)";
  switch (s.outcome) {
    case CapacityOutcome::found:
      out.line("capacity: " + figures);
      out.line(
          "  bracket: met at {bracket.met_load:.6g}, not met at {bracket.not_met_load:.6g}; {stopped_because}; "
          "{runs} runs");
      break;
    case CapacityOutcome::at_least:
      out.line("capacity: at least " + figures);
      out.line(s.not_met_load ? "  bracket: met at {bracket.met_load:.6g}, not met at {bracket.not_met_load:.6g}; "
                                "stopped: {stopped_because}; {runs} runs"
                              : "  no load probed missed the SLO: {stopped_because}; {runs} runs");
      break;
    case CapacityOutcome::not_met:
      out.line("capacity: none: {stopped_because}; {runs} runs, the reasons in the probes below");
      break;
  }
  if (answer != nullptr) out.line("  run at the answer: {capacity.run_command}");
  Table& warnings = out.table("warnings", {{.cell = "{text}"}});
  warnings.indent = "  ";
  for (const std::string& w : warnings_of(s)) warnings.add(Report().set("text", w));
  out.line("probes in the order run ({assumption}):");
  constexpr auto right = Column::Align::right;
  Table& probes =
      out.table("probes", {{.header = "run", .cell = "{run}", .width = 3, .align = right},
                           {.header = "load", .cell = "{load:.6g}", .width = 11, .align = right},
                           {.header = "scale", .cell = "{scale:.4g}", .width = 9, .align = right},
                           {.header = "requests/s", .cell = "{mean_requests_per_s:.4g}", .width = 10, .align = right},
                           {.header = "p99 TTFT s", .cell = "{ttft_p99_s:.4g}", .width = 10, .align = right},
                           {.header = "p99 TPOT s", .cell = "{tpot_p99_s:.4g}", .width = 10, .align = right},
                           {.header = "rejected", .cell = "{rejected}", .width = 8, .align = right},
                           {.header = "met", .cell = "{met_text}"}});
  probes.indent = "  ";
  probes.note_replaces = "met";
  for (std::size_t i = 0; i < s.probes.size(); ++i)
    probes.add(probe_row(static_cast<int>(i) + 1, s.probes[i]), s.probes[i].met ? "" : "no: {why_not}");
  if (!s.non_monotone.empty())
    out.line(
        "warning: {non_monotone}: latency is not monotone in load here, so a load above the lowest that "
        "missed may meet the SLO again; the answer is the crossing this search found");
  return out;
}

// One configuration's search: its experiment loaded from `doc` and `below`
// (the files it reads recorded in `inputs`), each probe a run in this thread;
// a line per probe on stderr unless quiet, after `label`.
struct ConfigurationSearch {
  std::unique_ptr<experiment::Experiment> x;
  experiment::LoadKnob knob;
  experiment::CapacitySearch search;
  experiment::Provenance provenance;
};

ConfigurationSearch search_configuration(const SearchOptions& o, const config::ConfigDoc& doc,
                                         const experiment::ExperimentOverrides& below,
                                         const config::InputFileLog& inputs, const std::string& label) {
  ConfigurationSearch c;
  c.x = experiment::load_experiment(doc, below);
  c.knob = experiment::load_knob(doc, *c.x);
  c.provenance = experiment::provenance_of(*c.x, inputs, command_line());
  experiment::CapacitySearchOptions options;
  options.slo = {o.slo_ttft_p99_s, o.slo_tpot_p99_s};
  options.start_load = c.knob.experiment_load;
  options.lo_load = o.lo;
  options.hi_load = o.hi;
  options.rel_tolerance = o.rel_tolerance;
  options.max_runs = o.max_runs;
  int run = 0;
  c.search = experiment::search_capacity(options, [&](double load) {
    experiment::LoadProbe p = experiment::probe_load(doc, below, c.knob, load, options.slo);
    ++run;
    if (!o.quiet)
      fmt::print(stderr, "coesim: search: {}run {}: {}={}: p99 TTFT {} s: {}\n", label, run, c.knob.setting,
                 experiment::load_text(load), p.ttft_p99_s ? fmt::format("{:.4g}", *p.ttft_p99_s) : "-",
                 p.met ? "met" : "not met: " + p.why_not);
    return p;
  });
  return c;
}

int capacity_of_sweep(const SearchOptions& o);

int capacity(const SearchOptions& o) {
  if (o.lo && o.hi && *o.lo > *o.hi) throw config::UsageError(fmt::format("--lo {} is above --hi {}", *o.lo, *o.hi));
  if (!o.sweep_file.empty()) return capacity_of_sweep(o);
  if (o.experiment_file.empty()) throw config::UsageError("search capacity needs an experiment file, or --sweep");
  const config::InputFileLog inputs;  // every file loaded from here on, hashed into the result
  config::ConfigDoc doc = config::ConfigDoc::load(o.experiment_file);
  experiment::ExperimentOverrides below;
  experiment::add_overrides(doc, below, o.overrides);
  const auto start = std::chrono::steady_clock::now();
  const ConfigurationSearch c = search_configuration(o, doc, below, inputs, "");
  Report report = search_report(o, {o.experiment_file, o.overrides}, *c.x, c.knob, c.search);
  report.set("provenance", experiment::to_json(c.provenance));
  report.set("wall_s", std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  report.line("{runs} runs, {wall_s:.1f} s wall");
  fmt::print("{}", o.json ? json_text(report) : report.text());
  return kExitOk;
}

// A capacity per point of a sweep: each point (its settings, then --set) is
// one configuration, searched whole on one of --jobs threads; the answers
// are reported in sweep order, so the output does not depend on the threads.
int capacity_of_sweep(const SearchOptions& o) {
  const experiment::SweepSpec sweep = experiment::load_sweep(o.sweep_file);
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::optional<Report>> found(sweep.points.size());
  std::vector<std::exception_ptr> failed(sweep.points.size());
  std::vector<std::vector<std::string>> point_warnings(sweep.points.size());
  std::atomic<std::size_t> next{0};
  const auto work = [&] {
    for (std::size_t i; (i = next++) < sweep.points.size();) try {
        const experiment::SweepPoint& point = sweep.points[i];
        const config::InputFileLog inputs;  // this point's files: the log is the thread's
        experiment::PointConfig pc = experiment::point_config(sweep, point);
        experiment::ExperimentOverrides below{pc.platform_overrides, pc.model_overrides};
        experiment::add_overrides(pc.doc, below, o.overrides);
        const ConfigurationSearch c = search_configuration(o, pc.doc, below, inputs, "point " + point.id + ": ");
        Configuration configuration{sweep.experiment.string(), experiment::point_sets(sweep, point)};
        configuration.sets.insert(configuration.sets.end(), o.overrides.begin(), o.overrides.end());
        Report r = search_report(o, configuration, *c.x, c.knob, c.search);
        point_warnings[i] = warnings_of(c.search);
        r.set("point", point.index).set("point_id", point.id).set("settings", point.assignments);
        r.set("provenance", experiment::to_json(c.provenance));
        found[i] = std::move(r);
      } catch (...) {
        failed[i] = std::current_exception();
      }
  };
  std::vector<std::thread> threads;
  for (unsigned t = 1; t < o.jobs; ++t) threads.emplace_back(work);
  work();
  for (std::thread& t : threads) t.join();
  for (const std::exception_ptr& e : failed)
    if (e) std::rethrow_exception(e);  // the first in sweep order: a bad setting is bad input, as for one search

  Report report;
  report.set("sweep", sweep.name)
      .set("file", sweep.file)
      .set("configurations", sweep.points.size())
      .set("slo", slo_json(o))
      .set("assumption", kAssumption)
      .set("wall_s", std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  report.line("search capacity over {sweep} ({file}): {configurations} configurations; SLO " + slo_template(o));
  constexpr auto right = Column::Align::right;
  Table& table = report.table(
      "searches", {{.header = "point", .cell = "{point_id}", .width = 12},
                   {.header = "outcome", .cell = "{outcome}", .width = 8},
                   {.header = "load", .cell = "{capacity.load:.6g}", .width = 11, .align = right},
                   {.header = "requests/s", .cell = "{capacity.mean_requests_per_s:.4g}", .width = 10, .align = right},
                   {.header = "p99 TTFT s", .cell = "{capacity.ttft_p99_s:.4g}", .width = 10, .align = right},
                   {.header = "runs", .cell = "{runs}", .width = 4, .align = right},
                   {.header = "settings", .cell = "{settings| }"}});
  table.indent = "  ";
  for (std::optional<Report>& r : found) table.add(std::move(*r));
  Table& warnings = report.table("warnings", {{.cell = "{point_id}:"}, {.cell = "{text}", .gap = " "}});
  warnings.indent = "  ";
  for (std::size_t i = 0; i < sweep.points.size(); ++i)
    for (const std::string& w : point_warnings[i])
      warnings.add(Report().set("point_id", sweep.points[i].id).set("text", w));
  report.line("{assumption}; each search's probes: --json");
  report.line("{wall_s:.1f} s wall");
  fmt::print("{}", o.json ? json_text(report) : report.text());
  return kExitOk;
}

// The design table: every point with its cost, latency, whether it meets
// the SLO (why not) and whether it is on the cost / p99 TTFT front.
void write_design_table(const experiment::SweepSpec& sweep, const experiment::DesignResult& r,
                        const std::filesystem::path& file) {
  const auto number = [](const std::optional<double>& v) { return v ? fmt::format("{}", *v) : std::string(); };
  std::string csv = "point,point_id,cost,ttft_p99_s,tpot_p99_s,rejected,meets_slo,on_front,why_not";
  for (const experiment::SweepAxis& a : sweep.axes) csv += "," + a.path;
  csv += "\n";
  for (const experiment::DesignPoint& p : r.points) {
    const experiment::SweepPoint& point = sweep.points[p.point];
    csv += fmt::format("{},{},{},{},{},{},{},{},{}", point.index, point.id, p.cost, number(p.ttft_p99_s),
                       number(p.tpot_p99_s), p.rejected, p.meets ? 1 : 0, p.on_front ? 1 : 0, io::csv_field(p.why_not));
    for (const std::string& a : point.assignments) csv += "," + io::csv_field(a.substr(a.find('=') + 1));
    csv += "\n";
  }
  io::PendingFile pending(file);
  io::write_text(pending, csv);
  pending.commit();
}

Report design_row(const experiment::SweepSpec& sweep, const experiment::DesignPoint& p) {
  const experiment::SweepPoint& point = sweep.points[p.point];
  return Report()
      .set("point_id", point.id)
      .set("settings", point.assignments)
      .set("cost", p.cost)
      .set("ttft_p99_s", optional_json(p.ttft_p99_s))
      .set("tpot_p99_s", optional_json(p.tpot_p99_s))
      .set("rejected", p.rejected)
      .set("fast_tier_capacity_bytes_per_device", p.fast_tier_capacity_bytes_per_device)
      .set("meets_slo", p.meets)
      .set("why_not", p.why_not);
}

int design(const SearchOptions& o) {
  if (o.out_dir.empty()) throw config::UsageError("search design needs --out DIR (the sweep's points go there)");
  const std::optional<SweepRun> run = run_sweep({o.sweep_file, o.out_dir, o.jobs, o.quiet});
  if (!run) return kExitOk;  // an MPI rank other than 0
  const experiment::SweepSpec& sweep = run->sweep;
  const experiment::DesignResult r =
      experiment::search_design(sweep, run->outcomes, {o.slo_ttft_p99_s, o.slo_tpot_p99_s});
  const std::filesystem::path table = std::filesystem::path(o.out_dir) / "design.csv";
  write_design_table(sweep, r, table);
  Report report;
  report.set("sweep", sweep.name)
      .set("points", sweep.points.size())
      .set("failed", run->failed)
      .set("slo_ttft_p99_s", o.slo_ttft_p99_s)
      .set("slo_tpot_p99_s", optional_json(o.slo_tpot_p99_s))
      .set("cost_unit", sweep.cost->unit)
      .set("meeting_slo", std::count_if(r.points.begin(), r.points.end(), [](const auto& p) { return p.meets; }))
      .set("cheapest", r.cheapest ? design_row(sweep, r.points[*r.cheapest]).json() : nlohmann::json())
      .set("design_csv", table.string());
  report.line("design search over {sweep}: {points} points, {meeting_slo} meet p99 TTFT <= {slo_ttft_p99_s} s" +
              std::string(o.slo_tpot_p99_s ? " and p99 TPOT <= {slo_tpot_p99_s} s" : "") + " with no request rejected");
  if (r.cheapest)
    report.line(
        "cheapest meeting it: {cheapest.point_id}, cost {cheapest.cost:.6g} {cost_unit}, p99 TTFT "
        "{cheapest.ttft_p99_s:.4g} s: {cheapest.settings| }");
  else
    report.line("no point meets the SLO: see why_not in {design_csv}");
  Table& front = report.table(
      "pareto_front", {{.header = "cost", .cell = "{cost:.6g}", .width = 12},
                       {.header = "p99 TTFT s", .cell = "{ttft_p99_s:.4g}", .width = 11},
                       {.header = "fast tier GB", .cell = "{fast_tier_capacity_bytes_per_device/1e9:.4g}", .width = 13},
                       {.header = "meets", .cell = "{meets_slo}", .width = 6},
                       {.header = "point", .cell = "{point_id}", .width = 12},
                       {.header = "settings", .cell = "{settings| }"}});
  report.line("every point, its cost and why it misses: {design_csv}");
  for (const experiment::DesignPoint& p : r.points)
    if (p.on_front) front.add(design_row(sweep, p));
  fmt::print("{}", o.json ? json_text(report) : report.text());
  return kExitOk;
}

}  // namespace

RunFunction add_search_command(CLI::App& app) {
  auto o = std::make_shared<SearchOptions>();
  CLI::App* cmd = app.add_subcommand("search", "search for the load or design that meets a goal");
  cmd->require_subcommand(1);
  CLI::App* cap = cmd->add_subcommand(
      "capacity",
      "the highest load an experiment serves within a p99 latency SLO: its workload's rate (kind trace: "
      "workload.rate_scale; kind poisson: workload.rate_per_s) is doubled or halved from the experiment's own until "
      "the SLO is bracketed, then bisected; each probe is one whole run. A run with rejected requests does not meet "
      "the SLO. Bisection assumes p99 latency is monotone in load (never falls as load rises), which small request "
      "counts do not guarantee: every probe is listed to check it. Exit 0 whenever the search ran (outcome found, "
      "at_least: met at "
      "--hi or when --max-runs ran out, or not_met: no load probed met it, and no capacity is given); 2 for bad "
      "input or a workload kind with no rate (burst, explicit). With --sweep, a search per point of a sweep file");
  CLI::Option* experiment =
      cap->add_option("experiment", o->experiment_file, "experiment file (see `coesim schema experiment`)");
  cap->add_option("--sweep", o->sweep_file,
                  "instead of an experiment, a sweep file (see `coesim schema sweep`): a search per point, each "
                  "point's settings then --set the configuration; points searched at once on --jobs threads")
      ->excludes(experiment);
  cap->add_option("--jobs", o->jobs, "with --sweep: points searched at once (threads)")
      ->check(CLI::Range(1u, 1024u))
      ->capture_default_str();
  cap->add_option("--slo-ttft-p99-s", o->slo_ttft_p99_s, "the SLO: p99 time to first token at most this")
      ->required()
      ->check(positive_number());
  cap->add_option("--slo-tpot-p99-s", o->slo_tpot_p99_s,
                  "and p99 time per output token at most this (requests with one output token have none)")
      ->check(positive_number());
  cap->add_option("--set", o->overrides,
                  "override a field, repeatable, as `coesim run --set` (experiment, platform.PATH, model.PATH); the "
                  "search then sets its load setting on top");
  cap->add_option("--lo", o->lo,
                  "lowest load to probe, in the load setting's unit (rate_scale, or rate_per_s); default: the "
                  "experiment's own / 1024")
      ->check(positive_number());
  cap->add_option("--hi", o->hi, "highest load to probe, likewise; default: the experiment's own x 1024")
      ->check(positive_number());
  cap->add_option("--rel-tolerance", o->rel_tolerance,
                  "stop bisecting when the lowest load that missed is at most this much above the highest that met")
      ->check(CLI::Range(1e-6, 1.0))
      ->capture_default_str();
  cap->add_option("--max-runs", o->max_runs, "most runs; the answer is then a lower bound (at_least)")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  cap->add_flag("--json", o->json, "print the result as one JSON object");
  cap->add_flag("--quiet", o->quiet, "no line per probe on stderr");
  CLI::App* des = cmd->add_subcommand(
      "design",
      "the cheapest point of a sweep (platform variants at the load the sweep sets) that meets a p99 latency SLO "
      "with no request rejected, by the cost proxy the sweep file declares (its `cost` section, with sources), "
      "and the Pareto front of cost, p99 TTFT and fast-tier capacity; runs the sweep's remaining points first (as "
      "coesim sweep, "
      "also under mpirun) and writes DIR/design.csv");
  des->add_option("sweep", o->sweep_file, "sweep file with a `cost` section (see `coesim schema sweep`)")->required();
  des->add_option("--out", o->out_dir, "the sweep's directory (points, sweep.csv, design.csv)")->required();
  des->add_option("--slo-ttft-p99-s", o->slo_ttft_p99_s, "the SLO: p99 time to first token at most this")
      ->required()
      ->check(positive_number());
  des->add_option("--slo-tpot-p99-s", o->slo_tpot_p99_s, "and p99 time per output token at most this")
      ->check(positive_number());
  des->add_option("--jobs", o->jobs, "points run at once (threads; each rank under mpirun)")
      ->check(CLI::Range(1u, 1024u))
      ->capture_default_str();
  des->add_flag("--json", o->json, "print the result as one JSON object");
  des->add_flag("--quiet", o->quiet, "no progress on stderr");
  return [cmd, cap, des, o]() -> int {
    if (!cmd->parsed()) return -1;
    if (cap->parsed()) return capacity(*o);
    if (des->parsed()) return design(*o);
    return -1;
  };
}

}  // namespace coesim::cli
