#pragma once
// Utilisation of a run's bandwidth resources (each node's tiers and links)
// in fixed time buckets: bytes through a resource in a bucket / (bandwidth x
// bucket length). A resource's load holds between changes, so its bytes
// are folded into the buckets when the load changes and when finished
// buckets are taken. Buckets of a fixed length keep memory bounded however
// many copies run, and taking the finished ones keeps it bounded however
// long the run is.
#include <cstddef>
#include <vector>

#include "sim/kernel/flow_network.h"
#include "sim/serving/serving_simulation.h"

namespace coesim::serving {

class LinkUtilisation {
 public:
  // `resources[k]` is row k of the series; throws std::invalid_argument for
  // a bucket not longer than a picosecond.
  LinkUtilisation(FlowNetwork& network, std::vector<LinkId> resources, double bucket_s);

  // The network re-shared at `now_ps`: folds in every load that changed.
  void sample(TimePs now_ps);
  // Moves the buckets that ended by `now_ps` into `part` (link_first_bucket,
  // link_bucket_s and one row per resource, all of one length).
  void take_finished(TimePs now_ps, ServingResult& part);
  // Moves every remaining bucket, up to the one holding `end_ps`, into `part`.
  void take_rest(TimePs end_ps, ServingResult& part);

 private:
  // Adds resource k's bytes at its load from its last change to `until_ps`.
  void accumulate(std::size_t k, TimePs until_ps);

  FlowNetwork& network_;  // reading a load settles pending re-shares
  std::vector<LinkId> resources_;
  double bucket_s_;
  TimePs bucket_ps_;
  // The series' stated limit (resources x buckets, 800 MB of doubles): past
  // it a run fails (std::overflow_error) instead of allocating without bound
  // (a 1 us bucket over a day's trace).
  static constexpr std::size_t kMaxValues = 100'000'000;
  void check_bucket_limit(TimePs until_ps) const;
  std::size_t first_bucket_ = 0;           // bucket index of rows_[k][0]
  std::vector<std::vector<double>> rows_;  // [resource][bucket - first_bucket_]
  std::vector<double> last_load_;          // bytes/s since last_change_
  std::vector<TimePs> last_change_;
};

}  // namespace coesim::serving
