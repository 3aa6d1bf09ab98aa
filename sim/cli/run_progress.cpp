#include "sim/cli/run_progress.h"

#include <cstdio>

#include <fmt/format.h>
#include <unistd.h>

namespace coesim::cli {
namespace {

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

RunProgress::RunProgress(bool show, int experts)
    : show_(show),
      tty_(::isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()),
      last_print_(start_),
      expert_used_(static_cast<std::size_t>(experts), false) {}

void RunProgress::on_start(std::int64_t total_requests) { total_ = total_requests; }

void RunProgress::on_request(const serving::Request& r) {
  ++seen_;
  if (first_arrival_ps_ < 0) first_arrival_ps_ = r.arrival_ps;
  last_arrival_ps_ = r.arrival_ps;
  if (r.expert >= 0 && static_cast<std::size_t>(r.expert) < expert_used_.size())
    expert_used_[static_cast<std::size_t>(r.expert)] = true;
  if (!r.category.empty()) {
    ++routed_;
    if (r.category == "general") ++general_;
  }
  if (!show_ || seen_ % 1024 != 0) return;
  // A terminal line is rewritten five times a second; a pipe gets a line
  // every five seconds. Runs under a second print nothing.
  if (seconds_since(start_) < 1.0) return;
  if (seconds_since(last_print_) < (tty_ ? 0.2 : 5.0)) return;
  print(false);
}

void RunProgress::print(bool last) {
  last_print_ = std::chrono::steady_clock::now();
  const double wall_s = seconds_since(start_);
  const double done = total_ > 0 ? static_cast<double>(seen_) / static_cast<double>(total_) : 0.0;
  const std::string eta = done > 0 && !last ? fmt::format(", ETA {:.0f} s", wall_s * (1 - done) / done) : "";
  const std::string text = fmt::format("coesim run: {}/{} requests in ({:.1f}%), simulated {:.1f} s, wall {:.1f} s{}",
                                       seen_, total_, 100 * done, to_seconds(last_arrival_ps_), wall_s, eta);
  if (tty_)
    fmt::print(stderr, "\r{:<100}", text);
  else
    fmt::print(stderr, "{}\n", text);
  std::fflush(stderr);
  printed_ = true;
}

void RunProgress::finish() {
  if (printed_ && tty_) fmt::print(stderr, "\n");
}

std::optional<std::string> RunProgress::routing_summary() const {
  if (routed_ == 0) return std::nullopt;
  std::int64_t used = 0;
  for (const bool u : expert_used_) used += u ? 1 : 0;
  return fmt::format("routing: {} requests routed onto {} of {} experts; {:.1f}% sent to 'general'", routed_, used,
                     expert_used_.size(), 100.0 * static_cast<double>(general_) / static_cast<double>(routed_));
}

std::optional<std::string> RunProgress::overload_warning(const serving::ServingSummary& s) const {
  // A burst (every request at one instant) has no arrival rate to keep up
  // with: its queueing is the workload's design, not an overload.
  if (seen_ == 0 || last_arrival_ps_ == first_arrival_ps_) return std::nullopt;
  const double span_s = to_seconds(last_arrival_ps_ - first_arrival_ps_);
  const double late_s = s.makespan_s - to_seconds(last_arrival_ps_);
  // Requests that waited over a minute on average, or a backlog that takes
  // over a minute and a tenth of the arrivals' span to drain, mean requests
  // arrived faster than they were served.
  const bool backlog = late_s > 60.0 && late_s > 0.1 * span_s;
  if (!backlog && s.queueing_s.mean <= 60.0) return std::nullopt;
  return fmt::format(
      "overloaded: the run ended {:.0f} s after the last arrival (arrivals span {:.0f} s); mean "
      "queueing {:.1f} s, mean TTFT {:.1f} s: the platform cannot keep up with this load, and latencies "
      "grow with the length of the workload",
      late_s, span_s, s.queueing_s.mean, s.ttft_s.mean);
}

}  // namespace coesim::cli
