#include "sim/cli/mpi_point_queue.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <thread>

#include <mpi.h>

#include "sim/config/config_error.h"

namespace coesim::cli {
namespace {

constexpr int kAskTag = 1;
constexpr int kReplyTag = 2;  // + the asking worker's number on its rank

// How often a wait looks: first after `first`, then twice as long each
// time up to `most`.
struct Polling {
  std::chrono::microseconds first, most;
};

// Waits for `request` without spinning: Open MPI's blocking calls poll
// busily, which with as many ranks as cores takes a core from the points.
void wait_gently(MPI_Request& request, MPI_Status* status, Polling polling) {
  auto pause = polling.first;
  for (int done = 0;;) {
    MPI_Test(&request, &done, status);
    if (done != 0) return;
    std::this_thread::sleep_for(pause);
    pause = std::min(2 * pause, polling.most);
  }
}

// A worker waits for its next point only when the answer to its prefetch
// has not come: briefly. The coordinator waits for requests that come about
// once per point run elsewhere (milliseconds), and the asker is busy with
// its current point meanwhile, so it need not look more often than ~1 ms;
// each look is a wake-up taken from the cores running points.
constexpr Polling kWorkerPoll{std::chrono::microseconds(10), std::chrono::microseconds(200)};
constexpr Polling kCoordinatorPoll{std::chrono::microseconds(500), std::chrono::microseconds(2000)};

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

void MpiSession::barrier() const {
  MPI_Request request;
  MPI_Ibarrier(MPI_COMM_WORLD, &request);
  wait_gently(request, MPI_STATUS_IGNORE, kCoordinatorPoll);
}

bool MpiSession::broadcast(bool value) const {
  int v = value ? 1 : 0;
  MPI_Bcast(&v, 1, MPI_INT, 0, MPI_COMM_WORLD);
  return v != 0;
}

std::uint64_t MpiSession::minimum(std::uint64_t value) const {
  std::uint64_t least = value;
  MPI_Request request;
  MPI_Iallreduce(&value, &least, 1, MPI_UINT64_T, MPI_MIN, MPI_COMM_WORLD, &request);
  wait_gently(request, MPI_STATUS_IGNORE, kCoordinatorPoll);
  return least;
}

MpiPointQueue::MpiPointQueue(const MpiSession& session, std::vector<std::size_t> todo, std::size_t workers_per_rank)
    : session_(session) {
  if (session.rank() != 0) {
    asking_.resize(workers_per_rank);
    for (std::size_t w = 0; w < workers_per_rank; ++w) asking_[w].worker = static_cast<int>(w);
    return;
  }
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
    MPI_Request request;
    MPI_Irecv(&worker, 1, MPI_INT, MPI_ANY_SOURCE, kAskTag, MPI_COMM_WORLD, &request);
    wait_gently(request, &status, kCoordinatorPoll);
    const std::optional<std::size_t> point = local_->next(0);
    const long long reply = point ? static_cast<long long>(*point) : -1;
    if (!point) --remote_workers;
    MPI_Send(&reply, 1, MPI_LONG_LONG, status.MPI_SOURCE, kReplyTag + worker, MPI_COMM_WORLD);
  }
}

// A worker on another rank keeps one request to rank 0 in flight: the
// answer comes while its current point runs, so it never waits on rank 0
// between points. Each worker holds at most one point ahead.
void MpiPointQueue::ask(Asking& a) {
  MPI_Irecv(&a.reply, 1, MPI_LONG_LONG, 0, kReplyTag + a.worker, MPI_COMM_WORLD, &a.request);
  MPI_Send(&a.worker, 1, MPI_INT, 0, kAskTag, MPI_COMM_WORLD);
}

std::optional<std::size_t> MpiPointQueue::next(std::size_t worker) {
  if (local_) return local_->next(worker);
  Asking& a = asking_.at(worker);
  if (a.done) return std::nullopt;
  if (!a.in_flight) ask(a);
  wait_gently(a.request, MPI_STATUS_IGNORE, kWorkerPoll);
  a.in_flight = false;
  if (a.reply < 0) {
    a.done = true;
    return std::nullopt;
  }
  const auto point = static_cast<std::size_t>(a.reply);
  ask(a);  // the next one, answered while this one runs
  a.in_flight = true;
  return point;
}

void MpiPointQueue::finish() {
  if (coordinator_.joinable()) coordinator_.join();
}

}  // namespace coesim::cli
