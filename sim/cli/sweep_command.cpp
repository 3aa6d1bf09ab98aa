// `coesim sweep SWEEP.yaml --out DIR [--jobs N]`: every point of a sweep file
// (sweep_spec.h), run on N threads, or over MPI ranks under mpirun. Each
// point's files are written atomically as it ends (sweep_points.h); a rerun
// skips points already finished with unchanged inputs, so an interrupted
// sweep loses at most the points in flight. At the end DIR/sweep.csv and
// DIR/sweep.h5 hold one row per point (sweep_table.h), the same bytes
// however the points were spread.
#include <filesystem>
#include <memory>

#include <fmt/format.h>

#include "sim/cli/command.h"
#include "sim/cli/report.h"
#include "sim/cli/sweep_run.h"
#include "sim/experiment/sweep_spec.h"

namespace coesim::cli {
namespace {

struct SweepOptions {
  std::string file;
  std::string out_dir;
  unsigned jobs = 1;
  bool json = false;
  bool quiet = false;
  bool list = false;
};

int sweep(const SweepOptions& o) {
  if (o.list) {
    const experiment::SweepSpec s = experiment::load_sweep(o.file);
    if (first_rank())
      for (const experiment::SweepPoint& p : s.points)
        fmt::print("{} {} {}\n", p.index, p.id, fmt::join(p.assignments, " "));
    return kExitOk;
  }
  const std::optional<SweepRun> run = run_sweep({o.file, o.out_dir, o.jobs, o.quiet});
  if (!run) return kExitOk;  // an MPI rank other than 0: rank 0 reports
  const std::filesystem::path dir(o.out_dir);
  Report report;
  report.set("sweep", run->sweep.name)
      .set("file", run->sweep.file)
      .set("points", run->sweep.points.size())
      .set("ran", run->ran)
      .set("already_finished", run->already_finished)
      .set("failed", run->failed)
      .set("ranks", run->ranks)
      .set("jobs_per_rank", o.jobs)
      .set("table_csv", (dir / "sweep.csv").string())
      .set("table_h5", (dir / "sweep.h5").string())
      .set("wall_s", run->wall_s);
  report.line(
      "sweep {sweep}: {points} points; {ran} run now ({ranks} rank(s) x {jobs_per_rank} thread(s), {wall_s:.1f} "
      "s), {already_finished} already finished, {failed} failed");
  report.line("table: {table_csv} and {table_h5}");
  if (run->failed > 0) {
    Table& why = report.table("failures", {{.cell = "{point_id}"}, {.cell = "{error}", .gap = ": "}});
    why.indent = "  failed ";
    for (std::size_t p = 0; p < run->sweep.points.size(); ++p)
      if (!run->outcomes[p].figures)
        why.add(Report()
                    .set("point", run->sweep.points[p].index)
                    .set("point_id", run->sweep.points[p].id)
                    .set("error", run->outcomes[p].error));
  }
  fmt::print("{}", o.json ? json_text(report) : report.text());
  return run->failed > 0 ? kExitSimulationError : kExitOk;
}

}  // namespace

RunFunction add_sweep_command(CLI::App& app) {
  auto o = std::make_shared<SweepOptions>();
  CLI::App* cmd = app.add_subcommand(
      "sweep",
      "run every point of a sweep file (see `coesim schema sweep`): on --jobs threads, or over MPI ranks under "
      "mpirun; a rerun skips finished points");
  cmd->add_option("sweep", o->file, "sweep file")->required();
  cmd->add_option("--out", o->out_dir,
                  "directory for DIR/points/ID/summary.json (one per point, as `coesim run` writes it), "
                  "DIR/sweep.csv and DIR/sweep.h5 (one row per point)");
  cmd->add_option("--jobs", o->jobs, "points run at once on this process (threads; each rank under mpirun)")
      ->check(CLI::Range(1u, 1024u))
      ->capture_default_str();
  cmd->add_flag("--json", o->json, "print the outcome as one JSON object");
  cmd->add_flag("--quiet", o->quiet, "no progress on stderr");
  cmd->add_flag("--list", o->list, "print each point (index, id, settings) and stop");
  return [cmd, o]() -> int { return cmd->parsed() ? sweep(*o) : -1; };
}

}  // namespace coesim::cli
