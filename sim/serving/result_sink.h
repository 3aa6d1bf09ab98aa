#pragma once
// Where a run's rows go as they become final, so a replay of millions of
// requests never holds them all: the run hands the sink parts of a
// ServingResult (requests retired in id order, batches whose requests all
// ended, switches and KV copies that ended, fast-tier samples and
// link-utilisation buckets that can no longer change). The whole-run
// figures (experts, resources, end time, events) are in the ServingResult
// run_serving returns, once every part has been appended.
#include "sim/serving/serving_simulation.h"

namespace coesim::serving {

class ResultSink {
 public:
  virtual ~ResultSink() = default;
  // `part` holds only rows that became final since the previous call; its
  // link_utilisation[k] covers buckets [part.link_first_bucket, ...) of
  // resource k, the same count for every resource. Parts arrive in time
  // order and never overlap.
  virtual void append(const ServingResult& part) = 0;
};

}  // namespace coesim::serving
