#pragma once
// Running a sweep (sweep_spec.h) to its table: the points that remain, on
// threads or over MPI ranks under mpirun, then DIR/sweep.csv and
// DIR/sweep.h5 from the points' files. `coesim sweep` prints what it did;
// `coesim search design` goes on to choose among the points.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "sim/experiment/sweep_spec.h"
#include "sim/experiment/sweep_table.h"

namespace coesim::cli {

struct SweepRunOptions {
  std::string file;
  std::filesystem::path out_dir;
  unsigned jobs = 1;  // threads per process (per rank under mpirun)
  bool quiet = false;
};

struct SweepRun {
  experiment::SweepSpec sweep;
  std::vector<experiment::SweepOutcome> outcomes;  // one per point, in sweep order
  std::size_t ran = 0, already_finished = 0, failed = 0;
  int ranks = 1;
  double wall_s = 0;
};

// Throws config errors for a bad sweep file (on rank 0 under MPI; the other
// ranks then return none, so rank 0's exit status is the job's). On MPI
// ranks other than 0 it returns none once their share of the points is on
// disk: only rank 0 reads the table and reports.
std::optional<SweepRun> run_sweep(const SweepRunOptions& options);

// Whether this process is rank 0 of an mpirun job, or not under mpirun at all.
bool first_rank();

}  // namespace coesim::cli
