#include "sim/experiment/latency_slo.h"

#include <fmt/format.h>

namespace coesim::experiment {

std::vector<std::string> latency_misses(const LatencySlo& slo, const std::optional<double>& ttft_p99_s,
                                        const std::optional<double>& tpot_p99_s) {
  std::vector<std::string> why;
  if (!ttft_p99_s)
    why.emplace_back("no request finished");
  else if (*ttft_p99_s > slo.ttft_p99_s)
    why.push_back(fmt::format("p99 TTFT {:.6g} s > {} s", *ttft_p99_s, slo.ttft_p99_s));
  if (slo.tpot_p99_s && tpot_p99_s && *tpot_p99_s > *slo.tpot_p99_s)
    why.push_back(fmt::format("p99 TPOT {:.6g} s > {} s", *tpot_p99_s, *slo.tpot_p99_s));
  return why;
}

}  // namespace coesim::experiment
