#include "sim/cli/mpi_point_queue.h"

#include <cstdlib>
#include <stdexcept>

#include <mpi.h>

#include "sim/config/config_error.h"

namespace coesim::cli {
namespace {

constexpr int kAskTag = 1;
constexpr int kReplyTag = 2;  // + the asking worker's number on its rank

}  // namespace

bool launched_by_mpirun() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"})
    if (std::getenv(v) != nullptr) return true;
  return false;
}

MpiSession::MpiSession() {
  int provided = 0;
  MPI_Init_thread(nullptr, nullptr, MPI_THREAD_MULTIPLE, &provided);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  if (provided < MPI_THREAD_MULTIPLE) {
    MPI_Finalize();
    throw config::UsageError("this MPI library does not provide MPI_THREAD_MULTIPLE, which the sweep's workers need");
  }
}

MpiSession::~MpiSession() { MPI_Finalize(); }

void MpiSession::barrier() const { MPI_Barrier(MPI_COMM_WORLD); }

bool MpiSession::broadcast(bool value) const {
  int v = value ? 1 : 0;
  MPI_Bcast(&v, 1, MPI_INT, 0, MPI_COMM_WORLD);
  return v != 0;
}

MpiPointQueue::MpiPointQueue(const MpiSession& session, std::vector<std::size_t> todo, std::size_t workers_per_rank)
    : session_(session) {
  if (session.rank() != 0) return;
  local_ = std::make_unique<LocalPointQueue>(std::move(todo));
  const std::size_t remote = static_cast<std::size_t>(session.size() - 1) * workers_per_rank;
  if (remote > 0) coordinator_ = std::thread([this, remote] { serve(remote); });
}

MpiPointQueue::~MpiPointQueue() {
  if (coordinator_.joinable()) coordinator_.join();
}

void MpiPointQueue::serve(std::size_t remote_workers) {
  while (remote_workers > 0) {
    int worker = 0;
    MPI_Status status;
    MPI_Recv(&worker, 1, MPI_INT, MPI_ANY_SOURCE, kAskTag, MPI_COMM_WORLD, &status);
    const std::optional<std::size_t> point = local_->next(0);
    const long long reply = point ? static_cast<long long>(*point) : -1;
    if (!point) --remote_workers;
    MPI_Send(&reply, 1, MPI_LONG_LONG, status.MPI_SOURCE, kReplyTag + worker, MPI_COMM_WORLD);
  }
}

std::optional<std::size_t> MpiPointQueue::next(std::size_t worker) {
  if (local_) return local_->next(worker);
  int w = static_cast<int>(worker);
  long long reply = -1;
  MPI_Send(&w, 1, MPI_INT, 0, kAskTag, MPI_COMM_WORLD);
  MPI_Recv(&reply, 1, MPI_LONG_LONG, 0, kReplyTag + w, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  if (reply < 0) return std::nullopt;
  return static_cast<std::size_t>(reply);
}

void MpiPointQueue::finish() {
  if (coordinator_.joinable()) coordinator_.join();
}

}  // namespace coesim::cli
