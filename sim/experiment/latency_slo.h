#pragma once
// A serving SLO on tail latency, as capacity and design search take it:
// met when p99 TTFT (and p99 TPOT, if bounded) is within it and no request
// was rejected.
#include <optional>

namespace coesim::experiment {

struct LatencySlo {
  double ttft_p99_s = 0;
  std::optional<double> tpot_p99_s;  // none: not bounded
};

}  // namespace coesim::experiment
