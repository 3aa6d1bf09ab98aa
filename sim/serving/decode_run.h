#pragma once
// Decode-run coalescing, an optimisation kept in one place: when the
// scheduler says a decode step would repeat unchanged (Repeat), the engine
// runs as many steps as one event as step by step would run before anything
// else could happen. Each further step is timed; the run stops before a step
// that would end past the horizon, before a request's KV cache needs a block
// that does not fit (or any block, when the run must not wait for the next
// event), and before a request's last token (compute_done() takes that).
// ServingSetup::coalesce_decode_runs turns it off; a property test checks
// that both ways give the same rows.
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "sim/kernel/time.h"

namespace coesim::serving {

// One request of the step, as the run starts.
struct DecodeRunRequest {
  std::int64_t tokens = 0;       // its context now: input tokens + tokens produced
  std::int64_t tokens_left = 0;  // output tokens still to produce
  double held_bytes = 0;         // KV bytes per device it holds
};

struct DecodeRunLimits {
  TimePs start_ps = 0;                 // the first step starts now
  TimePs first_step_ps = 0;            // and takes this long (timed by the engine)
  std::optional<TimePs> horizon_ps;    // no step may end after it
  bool grows_until_next_event = true;  // false: the run stops at the first new KV block
  double free_bytes = 0;               // fast-tier room for KV growth during the run
  int kv_block_tokens = 16;
  bool keep_step_times = false;
};

struct DecodeRun {
  std::int64_t steps = 1;
  TimePs total_ps = 0;
  std::vector<TimePs> step_ps;                    // the first step's, then each further one's when kept
  std::vector<std::pair<TimePs, double>> growth;  // (step start, new KV bytes per device)
  std::vector<double> held_bytes;                 // per request after the run (when it grew)
};

class DecodeRunPlanner {
 public:
  // The run of the step over `requests` (contexts in the same order):
  // kv_bytes(tokens) is a request's KV bytes per device for that context,
  // step_ps(contexts) one decode step's time. The result lives until the
  // next call.
  const DecodeRun& plan(std::span<const DecodeRunRequest> requests, std::vector<std::int64_t> contexts,
                        const DecodeRunLimits& limits, const std::function<double(std::int64_t)>& kv_bytes,
                        const std::function<TimePs(std::span<const std::int64_t>)>& step_ps);
  // One step alone (no coalescing).
  const DecodeRun& single(TimePs step_ps);

 private:
  DecodeRun run_;
  std::vector<std::int64_t> covered_;  // tokens each request's blocks hold (checked again only past them)
};

}  // namespace coesim::serving
