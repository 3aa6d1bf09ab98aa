#pragma once
// One request of a trace in coesim's native format: when it arrives and how
// many tokens go in and out, plus what a replay attaches (prompt, category,
// expert) and a session when the source has one. Traces are in arrival order.
#include <cstdint>
#include <string>

namespace coesim::workload {

struct TraceRecord {
  double arrival_time_s = 0;  // from the trace's start
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;
  std::string prompt_id;         // empty: none attached
  std::string category;          // empty: not routed
  std::int32_t expert = -1;      // -1: not assigned
  std::int64_t session_id = -1;  // -1: none
};

}  // namespace coesim::workload
