#include "sim/workload/synthetic_trace.h"
#include "sim/kernel/split_mix64.h"
#include "sim/workload/zipf_distribution.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>
#include <utility>
#include <vector>

#include <fmt/format.h>

namespace coesim::workload {
namespace {

// Normal and Gamma draws on top of splitmix64 (the same on every platform).
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : base_(seed) {}
  double unit() { return base_.unit(); }
  double normal() {  // Box-Muller
    return std::sqrt(-2 * std::log(unit())) * std::cos(2 * std::numbers::pi * unit());
  }
  // Marsaglia and Tsang; shape < 1 via the U^(1/shape) boost.
  double gamma(double shape) {
    if (shape < 1) return gamma(shape + 1) * std::pow(unit(), 1 / shape);
    const double d = shape - 1.0 / 3;
    const double c = 1 / std::sqrt(9 * d);
    for (;;) {
      double x = 0;
      double v = 0;
      do {
        x = normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const double u = unit();
      if (std::log(u) < 0.5 * x * x + d - d * v + d * std::log(v)) return d * v;
    }
  }

 private:
  SplitMix64 base_;
};

// Wall time at which the modulated process reaches operational time `tau`:
// solves t + a P / (2 pi) (1 - cos(2 pi t / P)) = tau by Newton's method.
double wall_time(double tau, double a, double period, double guess) {
  if (a == 0) return tau;
  double t = guess;
  const double w = 2 * std::numbers::pi / period;
  for (int i = 0; i < 50; ++i) {
    const double f = t + a / w * (1 - std::cos(w * t)) - tau;
    const double df = 1 + a * std::sin(w * t);
    const double step = f / df;
    t -= step;
    if (std::abs(step) < 1e-12 * std::max(1.0, t)) break;
  }
  return t;
}

}  // namespace

void generate_trace(const SyntheticTraceOptions& o, TraceWriter& out) {
  if (o.requests < 0 || !(o.rate_per_s > 0)) throw std::invalid_argument("requests >= 0 and rate > 0 are needed");
  if (o.requests > kMaxGeneratedRequests)
    throw std::invalid_argument(fmt::format("--requests {} is more than one trace may hold ({}); write several and "
                                            "join them with `coesim trace concat`",
                                            o.requests, kMaxGeneratedRequests));
  if (o.arrivals != "poisson" && o.arrivals != "gamma") throw std::invalid_argument("arrivals: poisson or gamma");
  if (o.arrivals == "gamma" && !(o.cv > 0)) throw std::invalid_argument("gamma arrivals need cv > 0");
  if (!(o.diurnal_amplitude >= 0 && o.diurnal_amplitude < 1) || !(o.diurnal_period_s > 0))
    throw std::invalid_argument("diurnal amplitude must be in [0, 1) and the period > 0");
  if (!(o.input_median >= 1 && o.output_median >= 1 && o.input_sigma >= 0 && o.output_sigma >= 0))
    throw std::invalid_argument("token medians must be >= 1 and sigmas >= 0");
  Rng rng(o.seed);
  std::vector<std::pair<std::int64_t, std::int64_t>> pairs;
  if (!o.tokens_from.empty()) {
    read_trace(o.tokens_from, [&](const TraceRecord& r) {
      pairs.emplace_back(r.input_tokens, r.output_tokens);
      return true;
    });
    if (pairs.empty()) throw std::invalid_argument("the token source trace is empty");
  }
  const ZipfDistribution zipf(std::max(o.experts, 1), o.zipf_alpha);
  const double shape = o.arrivals == "gamma" ? 1 / (o.cv * o.cv) : 1;
  double tau = 0;  // operational time, in units where the mean rate is rate_per_s
  double t = 0;
  for (std::int64_t i = 0; i < o.requests; ++i) {
    const double gap = (o.arrivals == "gamma" ? rng.gamma(shape) / shape : -std::log(rng.unit())) / o.rate_per_s;
    tau += gap;
    t = wall_time(tau, o.diurnal_amplitude, o.diurnal_period_s, t);
    TraceRecord r;
    r.arrival_time_s = t;
    if (!pairs.empty()) {
      const auto& p = pairs[std::min(pairs.size() - 1, static_cast<std::size_t>(rng.unit() * static_cast<double>(pairs.size())))];
      r.input_tokens = p.first;
      r.output_tokens = p.second;
    } else {
      r.input_tokens = std::max<std::int64_t>(1, std::llround(o.input_median * std::exp(o.input_sigma * rng.normal())));
      r.output_tokens = std::max<std::int64_t>(1, std::llround(o.output_median * std::exp(o.output_sigma * rng.normal())));
    }
    if (o.experts > 0) r.expert = zipf.sample(rng.unit());
    out.write(r);
  }
}

}  // namespace coesim::workload
