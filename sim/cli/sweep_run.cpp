#include "sim/cli/sweep_run.h"

#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <limits>
#include <memory>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "sim/cli/mpi_point_queue.h"
#include "sim/cli/point_queue.h"
#include "sim/cli/sweep_points.h"
#include "sim/config/config_error.h"
#include "sim/io/pending_file.h"

namespace coesim::cli {
namespace {

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

// Runs what `queue` hands out on `jobs` threads, keeping each point's
// outcome in `outcomes` (one slot per point, each written by one thread);
// counts for the progress.
struct Workers {
  std::mutex mutex;
  std::condition_variable changed;
  std::size_t done = 0, failed = 0, running = 0;

  void run(const experiment::SweepSpec& sweep, const std::filesystem::path& dir, PointQueue& queue, unsigned jobs,
           std::vector<experiment::SweepOutcome>& outcomes, SweepProgress* progress) {
    std::vector<std::thread> threads;
    running = jobs;
    for (unsigned w = 0; w < jobs; ++w)
      threads.emplace_back([&, w] {
        while (const std::optional<std::size_t> p = queue.next(w)) {
          outcomes[*p] = run_sweep_point(sweep, sweep.points[*p], dir);
          const bool ok = outcomes[*p].figures.has_value();
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

constexpr std::uint64_t kNoneRefused = std::numeric_limits<std::uint64_t>::max();

// The first of the sweep's values the base refuses, checked in shares (see
// experiment::first_refused_value): thread t of this rank's `jobs` takes
// share rank * jobs + t of ranks * jobs, so the checks take 1/(ranks * jobs)
// of the time on each, and the answer is the one a serial check gives.
std::optional<std::size_t> refused_in_shares(const experiment::SweepSpec& s, unsigned jobs, int rank, int ranks) {
  const std::size_t shares = static_cast<std::size_t>(ranks) * jobs;
  std::vector<std::optional<std::size_t>> found(jobs);
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < jobs; ++t)
    threads.emplace_back(
        [&, t] { found[t] = experiment::first_refused_value(s, static_cast<std::size_t>(rank) * jobs + t, shares); });
  for (std::thread& t : threads) t.join();
  std::optional<std::size_t> first;
  for (const std::optional<std::size_t>& k : found)
    if (k && (!first || *k < *first)) first = k;
  return first;
}

}  // namespace

bool first_rank() {
  for (const char* v : {"OMPI_COMM_WORLD_RANK", "PMI_RANK", "PMIX_RANK"})
    if (const char* rank = std::getenv(v)) return std::string(rank) == "0";
  return true;
}

std::optional<SweepRun> run_sweep(const SweepRunOptions& o) {
  if (o.jobs < 1) throw config::UsageError("--jobs must be at least 1");
  std::unique_ptr<MpiSession> mpi;
  if (launched_by_mpirun()) mpi = std::make_unique<MpiSession>();
  const bool leader = !mpi || mpi->rank() == 0;
  const std::filesystem::path& dir = o.out_dir;
  experiment::SweepSpec s;
  std::exception_ptr setup_error;        // all stop when rank 0 failed to load or make the directory
  std::uint64_t refused = kNoneRefused;  // the first value check that failed, on any rank
  try {
    if (dir.empty()) throw config::UsageError("sweep needs --out DIR (where each point's files go)");
    s = experiment::load_sweep(o.file, false);
    if (const auto k = refused_in_shares(s, o.jobs, mpi ? mpi->rank() : 0, mpi ? mpi->size() : 1)) refused = *k;
  } catch (...) {
    setup_error = std::current_exception();
  }
  if (mpi) refused = mpi->minimum(refused);
  try {
    if (!setup_error && refused != kNoneRefused) experiment::throw_refused_value(s, refused);
    if (std::error_code ec; !setup_error && leader && !std::filesystem::create_directories(dir / "points", ec) && ec)
      throw config::UsageError(fmt::format("--out {}: cannot create the directory: {}", dir.string(), ec.message()));
  } catch (...) {
    setup_error = std::current_exception();
  }
  if (mpi) {
    const bool leader_ok = mpi->broadcast(!setup_error);
    const bool all_ok = mpi->minimum(setup_error ? 0 : 1) == 1;
    // Rank 0 says why and exits 2; a failing exit here first could make
    // mpirun end the job before rank 0 has printed.
    if (!leader_ok && !leader) return std::nullopt;
    if (!all_ok && !setup_error) throw config::UsageError("another rank could not start the sweep (it says why)");
  }
  if (setup_error) std::rethrow_exception(setup_error);

  // What remains: points not finished with unchanged inputs (rank 0
  // decides). The figures of finished ones, read for the check, and of the
  // points run on this rank are kept for the table; only points run on other
  // ranks are read back.
  std::vector<std::size_t> todo;
  std::size_t already = 0;
  std::vector<experiment::SweepOutcome> outcomes(s.points.size());
  if (leader) {
    InputDigests digests;
    for (const experiment::SweepPoint& p : s.points) {
      if (const std::optional<nlohmann::json> summary = finished_summary(p, dir, digests)) {
        outcomes[p.index].figures = experiment::point_figures(*summary);
        ++already;
      } else {
        todo.push_back(p.index);
      }
    }
  }
  const std::size_t to_run = todo.size();
  SweepProgress progress(leader && !o.quiet, to_run);
  Workers workers;
  const auto start = std::chrono::steady_clock::now();
  if (mpi) {
    MpiPointQueue queue(*mpi, std::move(todo), o.jobs);
    workers.run(s, dir, queue, o.jobs, outcomes, leader ? &progress : nullptr);
    queue.finish();
    io::sync_file_system(dir);  // the points' files were not synced one by one
    mpi->barrier();             // every rank's points are on disk
  } else {
    LocalPointQueue queue(std::move(todo));
    workers.run(s, dir, queue, o.jobs, outcomes, &progress);
    io::sync_file_system(dir);
  }
  progress.update(workers.done, workers.failed, true);
  if (!leader) return std::nullopt;
  const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  SweepRun run{std::move(s), std::move(outcomes), to_run, already, 0, mpi ? mpi->size() : 1, wall_s};
  for (const experiment::SweepPoint& p : run.sweep.points) {
    experiment::SweepOutcome& o = run.outcomes[p.index];
    if (!o.figures && o.error.empty()) o = read_point_outcome(p, dir);  // run now on another rank
    if (!o.figures) ++run.failed;
  }
  experiment::write_sweep_table(run.sweep, run.outcomes, dir);
  return run;
}

}  // namespace coesim::cli
