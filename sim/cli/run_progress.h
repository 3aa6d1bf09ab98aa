#pragma once
// What `coesim run` says while and after a run: progress on stderr for runs
// longer than about a second (one rewritten line on a terminal, a plain
// line every few seconds in a pipe), a routing summary, and an overload
// warning when the platform cannot keep up with the arrivals.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/experiment/experiment.h"
#include "sim/serving/serving_metrics.h"

namespace coesim::cli {

class RunProgress : public experiment::RunObserver {
 public:
  // `show`: print progress at all (false under --quiet).
  RunProgress(bool show, int experts);
  void on_start(std::int64_t total_requests) override;
  void on_request(const serving::Request& request) override;
  // Ends the progress line, if one was printed.
  void finish();

  // Routed requests: how many, experts used, share sent to `general`; none
  // when no request was routed.
  std::optional<std::string> routing_summary() const;
  // Requests waited over a minute on average, or the run ended long after
  // its last arrival: the load is more than the platform can serve, so
  // latencies grow with the trace's length.
  std::optional<std::string> overload_warning(const serving::ServingSummary& summary) const;

 private:
  void print(bool last);

  bool show_;
  bool tty_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_print_;
  bool printed_ = false;
  std::int64_t total_ = 0;
  std::int64_t seen_ = 0;
  TimePs first_arrival_ps_ = -1;
  TimePs last_arrival_ps_ = 0;
  std::vector<bool> expert_used_;
  std::int64_t routed_ = 0;
  std::int64_t general_ = 0;
};

}  // namespace coesim::cli
