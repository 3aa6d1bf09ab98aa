#include "sim/serving/decode_run.h"

#include <algorithm>
#include <climits>

namespace coesim::serving {

const DecodeRun& DecodeRunPlanner::single(TimePs step_ps) {
  run_.steps = 1;
  run_.total_ps = step_ps;
  run_.step_ps.assign(1, step_ps);
  run_.growth.clear();
  run_.held_bytes.clear();
  return run_;
}

const DecodeRun& DecodeRunPlanner::plan(std::span<const DecodeRunRequest> requests, std::vector<std::int64_t> contexts,
                                        const DecodeRunLimits& limits,
                                        const std::function<double(std::int64_t)>& kv_bytes,
                                        const std::function<TimePs(std::span<const std::int64_t>)>& step_ps) {
  single(limits.first_step_ps);
  std::vector<double>& held = run_.held_bytes;
  covered_.assign(requests.size(), 0);
  std::int64_t limit = INT64_MAX;
  for (const DecodeRunRequest& r : requests) {
    limit = std::min(limit, r.tokens_left);
    held.push_back(r.held_bytes);
  }
  double growth_bytes = 0;
  TimePs end = limits.start_ps + limits.first_step_ps;
  while (run_.steps < limit) {
    const std::int64_t i = run_.steps;  // this step runs with i more tokens produced
    double extra = 0;
    std::vector<double> need;  // filled only at a block boundary
    for (std::size_t k = 0; k < requests.size(); ++k) {
      const std::int64_t tokens = requests[k].tokens + i;
      if (tokens <= covered_[k]) continue;
      if (need.empty()) need = held;
      need[k] = std::max(held[k], kv_bytes(tokens));
      extra += need[k] - held[k];
    }
    if (extra > 0 && (!limits.grows_until_next_event || growth_bytes + extra > limits.free_bytes)) break;
    for (std::int64_t& c : contexts) ++c;
    const TimePs t = step_ps(contexts);
    if (limits.horizon_ps && end + t > *limits.horizon_ps) break;
    if (!need.empty()) {
      for (std::size_t k = 0; k < requests.size(); ++k) {
        const std::int64_t tokens = requests[k].tokens + i;
        if (tokens > covered_[k])
          covered_[k] = (tokens + limits.kv_block_tokens - 1) / limits.kv_block_tokens * limits.kv_block_tokens;
      }
      held = std::move(need);
    }
    if (extra > 0) {
      run_.growth.emplace_back(end, extra);
      growth_bytes += extra;
    }
    end += t;
    run_.total_ps += t;
    ++run_.steps;
    if (limits.keep_step_times) run_.step_ps.push_back(t);
  }
  return run_;
}

}  // namespace coesim::serving
