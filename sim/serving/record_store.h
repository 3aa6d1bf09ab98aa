#pragma once
// The records of a run's requests in flight, by id. Ids come in arrival
// order (0, 1, 2, ...), and records leave from the front, in id order, once
// they and every older one have ended, so a replay of any length holds only
// the requests from the oldest unfinished one to the newest arrival.
#include <cstdint>
#include <deque>
#include <stdexcept>
#include <string>

#include "sim/serving/request.h"

namespace coesim::serving {

class RecordStore {
 public:
  // Throws std::logic_error for an id that has left or not yet arrived: a
  // simulator bug, never a silent read of the wrong record.
  RequestRecord& operator[](std::int64_t id) { return records_[index(id)]; }
  const RequestRecord& operator[](std::int64_t id) const { return records_[index(id)]; }

  // Throws std::invalid_argument unless the request's id is next_id().
  void add(Request request) {
    if (request.id != next_id())
      throw std::invalid_argument("serving: request ids must be 0, 1, 2, ... in arrival order (got " +
                                  std::to_string(request.id) + ", expected " + std::to_string(next_id()) + ")");
    RequestRecord r;
    r.request = std::move(request);
    records_.push_back(std::move(r));
  }

  std::int64_t first_id() const { return first_id_; }
  std::int64_t next_id() const { return first_id_ + static_cast<std::int64_t>(records_.size()); }
  bool empty() const { return records_.empty(); }
  const RequestRecord& front() const { return records_.front(); }

  // Removes and returns the oldest record, which must have ended.
  RequestRecord take_front() {
    if (records_.empty() || records_.front().outcome == Outcome::Pending)
      throw std::logic_error("serving: retiring a request that has not ended");
    RequestRecord r = std::move(records_.front());
    records_.pop_front();
    ++first_id_;
    return r;
  }

 private:
  std::size_t index(std::int64_t id) const {
    if (id < first_id_ || id >= next_id())
      throw std::logic_error("serving: request " + std::to_string(id) + " is not in flight (simulator bug)");
    return static_cast<std::size_t>(id - first_id_);
  }

  std::deque<RequestRecord> records_;
  std::int64_t first_id_ = 0;
};

}  // namespace coesim::serving
