#pragma once
// What every engine of a serving run shares: the clock, the network of
// links and tiers (copies from all engines contend on it), the records of
// the requests in flight, and the rows not yet handed to the sink. flush()
// hands over the rows that can no longer change, so memory holds the
// requests in flight, not the run.
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include "sim/hw/platform.h"
#include "sim/hw/platform_network.h"
#include "sim/kernel/flow_network.h"
#include "sim/kernel/simulator.h"
#include "sim/serving/execution.h"
#include "sim/serving/link_utilisation.h"
#include "sim/serving/record_store.h"
#include "sim/serving/result_sink.h"
#include "sim/serving/serving_simulation.h"

namespace coesim::serving {

class RunContext {
 public:
  // `part_requests`: ended requests between flushes.
  RunContext(const hw::Platform& platform, int nodes, double link_bucket_s, ResultSink& sink,
             std::int64_t part_requests);

  // Folds link loads into the utilisation series once per instant, after
  // the network has re-shared (the event runs last at its time).
  void sample_links_later();
  // A router pass over `requests`: its row is final once they all ended.
  void open_batch(const std::vector<std::int64_t>& requests);
  // A request ended: every part_requests of them, a flush runs last at this
  // instant, when no engine still holds an ended request.
  void request_ended();
  // The end of the run: hands over every remaining row. Throws
  // std::logic_error if a request or batch never ended (a simulator bug).
  void finish(TimePs end_ps);

  Simulator sim;
  FlowNetwork network;
  // One copy of the platform's tiers and links per node: nodes share nothing
  // but the clock (experts live in every node's slow tier).
  std::vector<std::unique_ptr<hw::PlatformNetwork>> node_resources;
  RecordStore records;
  // Rows not yet handed over, and the whole-run figures (experts, resources, ...).
  ServingResult result;
  // How steps are timed: one model for every engine (they share the TP degree).
  std::unique_ptr<const Execution> execution;

 private:
  // Hands the sink every row final at `now_ps`: records that ended (and all
  // older ones), batches whose requests all left, switches and KV copies
  // that ended, fast-tier samples before `now_ps` (one at `now_ps` may still
  // change), and link buckets that ended by `now_ps`.
  void flush(TimePs now_ps);

  struct OpenBatch {
    BatchRecord row;
    std::int64_t remaining = 0;  // its requests still in flight
  };

  ResultSink& sink_;
  EventKind link_sample_kind_;
  EventKind flush_kind_;
  std::int64_t flush_every_requests_;
  std::int64_t ended_since_flush_ = 0;
  bool flush_pending_ = false;
  bool sample_pending_ = false;
  std::unique_ptr<LinkUtilisation> links_;
  std::deque<OpenBatch> open_batches_;
  std::int64_t first_open_batch_ = 0;
  std::unordered_map<std::int64_t, std::int64_t> batch_of_;  // request -> its open batch
};

}  // namespace coesim::serving
