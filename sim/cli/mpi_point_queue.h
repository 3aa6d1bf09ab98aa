#pragma once
// A sweep spread over MPI ranks (`mpirun -n R coesim sweep ...`): every rank
// loads the sweep and runs points with its threads; rank 0 decides which
// points remain (resume) and hands them out one at a time to whichever
// worker asks next, its own threads from memory and other ranks' threads
// through a small coordinator thread. Rank 0 alone writes the aggregated
// table and prints. MPI is started only when the process was launched by
// mpirun, so a plain `coesim` never touches it.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include <mpi.h>

#include "sim/cli/point_queue.h"

namespace coesim::cli {

// Whether mpirun (Open MPI or a PMI launcher) started this process.
bool launched_by_mpirun();

class MpiSession {
 public:
  MpiSession();  // MPI_Init_thread, MPI_THREAD_MULTIPLE (workers of several threads each ask rank 0)
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
  int rank() const { return rank_; }
  int size() const { return size_; }
  void barrier() const;
  // Rank 0's flag on every rank (e.g. "the sweep loaded").
  bool broadcast(bool value) const;
  // The smallest of every rank's `value`, on every rank.
  std::uint64_t minimum(std::uint64_t value) const;

 private:
  int rank_ = 0;
  int size_ = 1;
};

class MpiPointQueue : public PointQueue {
 public:
  // On rank 0 `todo` is what remains; other ranks pass nothing. Every rank
  // runs `workers_per_rank` threads.
  MpiPointQueue(const MpiSession& session, std::vector<std::size_t> todo, std::size_t workers_per_rank);
  ~MpiPointQueue() override;
  std::optional<std::size_t> next(std::size_t worker) override;
  // Rank 0: waits until every other rank's worker has been told there is no more.
  void finish();
  // Rank 0: points handed out so far (to any rank).
  std::size_t handed_out() const { return local_ ? local_->handed_out() : 0; }

 private:
  void serve(std::size_t remote_workers);
  // A worker's request to rank 0, on other ranks.
  struct Asking {
    int worker = 0;
    long long reply = -1;
    MPI_Request request{};
    bool in_flight = false;
    bool done = false;
  };
  static void ask(Asking& a);

  const MpiSession& session_;
  std::vector<Asking> asking_;              // other ranks: one per worker
  std::unique_ptr<LocalPointQueue> local_;  // rank 0
  std::thread coordinator_;                 // rank 0, with other ranks
};

}  // namespace coesim::cli
