#pragma once
// A request as the serving simulation sees it, and the record of what
// happened to it. Every request ends finished or rejected, never neither.
#include <cstdint>
#include <string>
#include <vector>

#include "sim/kernel/time.h"

namespace coesim::serving {

struct Request {
  std::int64_t id = 0;
  TimePs arrival_ps = 0;
  int expert = 0;  // index into the experiment's experts
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 1;  // >= 1: the first comes out of prefill
  std::string prompt_id;
  std::string category;  // the router's, when the request was routed
};

enum class Outcome { Pending, Finished, Rejected };

inline constexpr TimePs kNever = -1;

struct RequestRecord {
  Request request;
  Outcome outcome = Outcome::Pending;
  std::string reject_reason;
  TimePs routed_ps = kNever;        // the router's pass over it ended
  TimePs queued_ps = kNever;        // waiting for its expert's engine
  TimePs switch_start_ps = kNever;  // a copy of its expert started for it (or was in flight) before its first prefill
  TimePs switch_end_ps = kNever;
  TimePs prefill_start_ps = kNever;
  TimePs prefill_end_ps = kNever;  // = first token
  TimePs finish_ps = kNever;       // last token, or rejection
  std::int64_t tokens_out = 0;
  std::int64_t cached_tokens = 0;  // tokens in its KV cache (0 before prefill or after preemption)
  int preemptions = 0;
  // Where its KV cache is, when kv_preemption is swap.
  enum class Kv { Fast, SwappingOut, Slow, SwappingIn } kv = Kv::Fast;
  double swapped_bytes_per_device = 0;
  std::vector<TimePs> token_ps;  // every token's time, when recorded

  TimePs ttft_ps() const { return prefill_end_ps - request.arrival_ps; }
  TimePs e2e_ps() const { return finish_ps - request.arrival_ps; }
  TimePs service_ps() const { return finish_ps - prefill_start_ps; }  // execution alone, no waiting
  TimePs switch_wait_ps() const { return switch_start_ps == kNever ? 0 : switch_end_ps - switch_start_ps; }
  TimePs queueing_ps() const { return prefill_start_ps - request.arrival_ps - switch_wait_ps(); }
  // Mean time per output token after the first, rounded to the nearest
  // picosecond (half up); 0 for one-token requests.
  TimePs tpot_ps() const {
    if (tokens_out <= 1) return 0;
    const TimePs span = finish_ps - prefill_end_ps, gaps = tokens_out - 1;
    return span / gaps + (2 * (span % gaps) >= gaps ? 1 : 0);
  }

  double ttft_s() const { return to_seconds(ttft_ps()); }
  double e2e_s() const { return to_seconds(e2e_ps()); }
  // Mean time per output token after the first; 0 for one-token requests.
  double tpot_s() const {
    return tokens_out > 1 ? to_seconds(finish_ps - prefill_end_ps) / static_cast<double>(tokens_out - 1) : 0.0;
  }
  double switch_wait_s() const { return to_seconds(switch_wait_ps()); }
  double queueing_s() const { return to_seconds(queueing_ps()); }
};

}  // namespace coesim::serving
