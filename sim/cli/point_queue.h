#pragma once
// Where a sweep worker gets its next point: points differ a lot in cost, so
// each worker takes the next one when it is free (dynamic load balancing)
// rather than a fixed share. Threads share one counter; MPI ranks ask rank 0
// (mpi_point_queue.h).
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <optional>
#include <vector>

namespace coesim::cli {

class PointQueue {
 public:
  virtual ~PointQueue() = default;
  // The next point index to run, or none when all have been handed out;
  // `worker` is the calling thread's number in this process (0, 1, ...).
  virtual std::optional<std::size_t> next(std::size_t worker) = 0;
};

// The points of `todo`, in order, to the threads of this process.
class LocalPointQueue : public PointQueue {
 public:
  explicit LocalPointQueue(std::vector<std::size_t> todo) : todo_(std::move(todo)) {}
  std::optional<std::size_t> next(std::size_t /*worker*/) override {
    const std::size_t k = next_.fetch_add(1);
    if (k >= todo_.size()) return std::nullopt;
    return todo_[k];
  }
  std::size_t handed_out() const { return std::min(next_.load(), todo_.size()); }

 private:
  std::vector<std::size_t> todo_;
  std::atomic<std::size_t> next_{0};
};

}  // namespace coesim::cli
