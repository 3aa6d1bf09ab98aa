// `coesim sweep SWEEP.yaml --out DIR [--jobs N]`: every point of a sweep file
// (sweep_spec.h), run on N threads, or over MPI ranks under mpirun. Each
// point's files are written atomically as it ends (sweep_points.h); a rerun
// skips points already finished with unchanged inputs, so an interrupted
// sweep loses at most the points in flight. At the end DIR/sweep.csv and
// DIR/sweep.h5 hold one row per point (sweep_table.h), the same bytes
// however the points were spread.
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "sim/cli/command.h"
#include "sim/cli/mpi_point_queue.h"
#include "sim/cli/point_queue.h"
#include "sim/cli/report.h"
#include "sim/cli/sweep_points.h"
#include "sim/config/config_error.h"
#include "sim/experiment/sweep_spec.h"
#include "sim/experiment/sweep_table.h"
#include "sim/io/pending_file.h"

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

// Progress on stderr: a rewritten line on a terminal, a plain line every
// ten seconds otherwise; the ETA from the mean time per point so far.
class SweepProgress {
 public:
  SweepProgress(bool show, std::size_t total) : show_(show), tty_(::isatty(STDERR_FILENO) == 1), total_(total) {}
  void update(std::size_t done, std::size_t failed, bool last) {
    if (!show_ || total_ == 0) return;
    const auto now = std::chrono::steady_clock::now();
    if (!last && now - printed_ < std::chrono::milliseconds(tty_ ? 200 : 10000)) return;
    printed_ = now;
    const double elapsed_s = std::chrono::duration<double>(now - start_).count();
    const std::string eta =
        done == 0
            ? ""
            : fmt::format(", ETA {:.0f} s", elapsed_s / static_cast<double>(done) * static_cast<double>(total_ - done));
    const std::size_t width = 30, filled = width * done / total_;
    const std::string line = fmt::format("sweep: [{}{}] {}/{} points{}, {:.0f} s{}", std::string(filled, '#'),
                                         std::string(width - filled, '.'), done, total_,
                                         failed > 0 ? fmt::format(" ({} failed)", failed) : "", elapsed_s, eta);
    if (tty_)
      fmt::print(stderr, "\r{}{}", line, last ? "\n" : "");
    else
      fmt::print(stderr, "{}\n", line);
  }

 private:
  bool show_, tty_;
  std::size_t total_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now(), printed_;
};

// Runs what `queue` hands out on `jobs` threads; counts for the progress.
struct Workers {
  std::mutex mutex;
  std::condition_variable changed;
  std::size_t done = 0, failed = 0, running = 0;

  void run(const experiment::SweepSpec& sweep, const std::filesystem::path& dir, PointQueue& queue, unsigned jobs,
           SweepProgress* progress) {
    std::vector<std::thread> threads;
    running = jobs;
    for (unsigned w = 0; w < jobs; ++w)
      threads.emplace_back([&, w] {
        while (const std::optional<std::size_t> p = queue.next(w)) {
          const bool ok = run_sweep_point(sweep, sweep.points[*p], dir).summary.has_value();
          const std::lock_guard lock(mutex);
          ++done;
          if (!ok) ++failed;
          changed.notify_all();
        }
        const std::lock_guard lock(mutex);
        --running;
        changed.notify_all();
      });
    std::unique_lock lock(mutex);
    while (running > 0) {
      changed.wait_for(lock, std::chrono::milliseconds(200));
      if (progress != nullptr) progress->update(done, failed, false);
    }
    lock.unlock();
    for (std::thread& t : threads) t.join();
  }
};

int sweep(const SweepOptions& o) {
  if (o.jobs < 1) throw config::UsageError("--jobs must be at least 1");
  std::unique_ptr<MpiSession> mpi;
  if (launched_by_mpirun()) mpi = std::make_unique<MpiSession>();
  const bool leader = !mpi || mpi->rank() == 0;
  experiment::SweepSpec s;
  std::exception_ptr load_error;
  try {
    s = experiment::load_sweep(o.file, leader);
  } catch (...) {
    load_error = std::current_exception();
  }
  if (mpi && !mpi->broadcast(!load_error)) {  // rank 0 checked the values; all stop when it failed
    if (!leader) return kExitBadInput;        // rank 0 reports it
  }
  if (load_error) std::rethrow_exception(load_error);
  if (o.list) {
    if (leader)
      for (const experiment::SweepPoint& p : s.points)
        fmt::print("{} {} {}\n", p.index, p.id, fmt::join(p.assignments, " "));
    return kExitOk;
  }
  if (o.out_dir.empty()) throw config::UsageError("sweep needs --out DIR (where each point's files go)");
  const std::filesystem::path dir(o.out_dir);
  if (std::error_code ec; leader && !std::filesystem::create_directories(dir / "points", ec) && ec)
    throw config::UsageError(fmt::format("--out {}: cannot create the directory: {}", o.out_dir, ec.message()));

  // What remains: points not finished with unchanged inputs (rank 0 decides).
  std::vector<std::size_t> todo;
  std::size_t already = 0;
  if (leader) {
    InputDigests digests;
    for (const experiment::SweepPoint& p : s.points) {
      if (point_finished(p, dir, digests))
        ++already;
      else
        todo.push_back(p.index);
    }
  }
  const std::size_t to_run = todo.size();
  SweepProgress progress(leader && !o.quiet, to_run);
  Workers workers;
  const auto start = std::chrono::steady_clock::now();
  if (mpi) {
    MpiPointQueue queue(*mpi, std::move(todo), o.jobs);
    workers.run(s, dir, queue, o.jobs, leader ? &progress : nullptr);
    queue.finish();
    io::sync_file_system(dir);
    mpi->barrier();  // every rank's points are on disk
  } else {
    LocalPointQueue queue(std::move(todo));
    workers.run(s, dir, queue, o.jobs, &progress);
  }
  io::sync_file_system(dir);  // the points' files were not synced one by one
  progress.update(workers.done, workers.failed, true);
  if (!leader) return kExitOk;
  const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  std::vector<experiment::SweepOutcome> outcomes;
  std::size_t failed = 0;
  for (const experiment::SweepPoint& p : s.points) {
    outcomes.push_back(read_point_outcome(p, dir));
    if (!outcomes.back().summary) ++failed;
  }
  experiment::write_sweep_table(s, outcomes, dir);

  Report report;
  report.set("sweep", s.name)
      .set("file", s.file)
      .set("points", s.points.size())
      .set("ran", to_run)
      .set("already_finished", already)
      .set("failed", failed)
      .set("ranks", mpi ? mpi->size() : 1)
      .set("jobs_per_rank", o.jobs)
      .set("table_csv", (dir / "sweep.csv").string())
      .set("table_h5", (dir / "sweep.h5").string())
      .set("wall_s", wall_s);
  report.line(
      "sweep {sweep}: {points} points; {ran} run now ({ranks} rank(s) x {jobs_per_rank} thread(s), {wall_s:.1f} "
      "s), {already_finished} already finished, {failed} failed");
  report.line("table: {table_csv} and {table_h5}");
  if (failed > 0) {
    Table& why = report.table("failures", {{.cell = "{point_id}"}, {.cell = "{error}", .gap = ": "}});
    why.indent = "  failed ";
    for (std::size_t p = 0; p < s.points.size(); ++p)
      if (!outcomes[p].summary)
        why.add(
            Report().set("point", s.points[p].index).set("point_id", s.points[p].id).set("error", outcomes[p].error));
  }
  fmt::print("{}", o.json ? json_text(report) : report.text());
  return failed > 0 ? kExitSimulationError : kExitOk;
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
