#include "sim/workload/synthetic_trace.h"

#include <stdexcept>
#include <utility>

#include <fmt/format.h>

#include "sim/workload/synthetic_requests.h"

namespace coesim::workload {

void generate_trace(const SyntheticTraceOptions& o, TraceWriter& out) {
  if (o.requests < 0) throw std::invalid_argument("requests >= 0 are needed");
  if (o.requests > kMaxGeneratedRequests)
    throw std::invalid_argument(
        fmt::format("--requests {} is more than one trace may hold ({}); write several and "
                    "join them with `coesim trace concat`",
                    o.requests, kMaxGeneratedRequests));
  if (o.arrivals != "poisson" && o.arrivals != "gamma") throw std::invalid_argument("arrivals: poisson or gamma");
  using G = SyntheticRequestOptions;
  G g;
  g.arrivals = o.arrivals == "gamma" ? G::Arrivals::Gamma : G::Arrivals::Poisson;
  g.rate_per_s = o.rate_per_s;
  g.cv = o.cv;
  g.diurnal_amplitude = o.diurnal_amplitude;
  g.diurnal_period_s = o.diurnal_period_s;
  g.tokens = o.tokens_from.empty() ? G::Tokens::Lognormal : G::Tokens::Drawn;
  g.input_tokens = o.input_median;
  g.output_tokens = o.output_median;
  g.input_sigma = o.input_sigma;
  g.output_sigma = o.output_sigma;
  if (!o.tokens_from.empty())
    read_trace(o.tokens_from, [&](const TraceRecord& r) {
      g.drawn_from.emplace_back(r.input_tokens, r.output_tokens);
      return true;
    });
  g.experts = o.experts > 0 ? G::Experts::Zipf : G::Experts::None;
  g.expert_count = o.experts;
  g.zipf_alpha = o.zipf_alpha;
  g.seed = o.seed;
  SyntheticRequests requests(std::move(g));
  for (std::int64_t i = 0; i < o.requests; ++i) out.write(requests.next());
}

}  // namespace coesim::workload
