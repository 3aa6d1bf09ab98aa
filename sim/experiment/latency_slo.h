#pragma once
// A serving SLO on tail latency, as capacity and design search take it:
// met when p99 TTFT (and p99 TPOT, if bounded) is within it and no request
// was rejected.
#include <optional>
#include <string>
#include <vector>

namespace coesim::experiment {

struct LatencySlo {
  double ttft_p99_s = 0;
  std::optional<double> tpot_p99_s;  // none: not bounded
};

// How a run's p99s miss the latency bounds, one reason each ("p99 TTFT 4 s >
// 3.7 s"); empty when within them. No TTFT (no request finished) misses;
// no TPOT (no request made a second token) does not. Rejections are the
// caller's to add: they miss whatever the latency.
std::vector<std::string> latency_misses(const LatencySlo& slo, const std::optional<double>& ttft_p99_s,
                                        const std::optional<double>& tpot_p99_s);

}  // namespace coesim::experiment
