#include "sim/workload/synthetic_requests.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

namespace coesim::workload {
namespace {

using Options = SyntheticRequestOptions;

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

Options checked(Options o) {
  if (o.arrivals != Options::Arrivals::Burst && !(o.rate_per_s > 0)) throw std::invalid_argument("rate > 0 is needed");
  if (o.arrivals == Options::Arrivals::Gamma && !(o.cv > 0)) throw std::invalid_argument("gamma arrivals need cv > 0");
  if (!(o.diurnal_amplitude >= 0 && o.diurnal_amplitude < 1) || !(o.diurnal_period_s > 0))
    throw std::invalid_argument("diurnal amplitude must be in [0, 1) and the period > 0");
  if (!(o.input_tokens >= 1 && o.output_tokens >= 1 && o.input_sigma >= 0 && o.output_sigma >= 0))
    throw std::invalid_argument("token lengths (medians) must be >= 1 and sigmas >= 0");
  if (o.tokens == Options::Tokens::Drawn && o.drawn_from.empty())
    throw std::invalid_argument("the token source trace is empty");
  if (o.experts != Options::Experts::None && o.expert_count < 1)
    throw std::invalid_argument("experts are drawn over at least one");
  return o;
}

}  // namespace

SyntheticRequests::SyntheticRequests(Options options)
    : o_(checked(std::move(options))), rng_(o_.seed), zipf_(std::max(o_.expert_count, 1), o_.zipf_alpha) {}

// Box-Muller.
double SyntheticRequests::normal() {
  return std::sqrt(-2 * std::log(unit())) * std::cos(2 * std::numbers::pi * unit());
}

// Marsaglia and Tsang; shape < 1 via the U^(1/shape) boost.
double SyntheticRequests::gamma(double shape) {
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

double SyntheticRequests::next_arrival_s() {
  if (o_.arrivals == Options::Arrivals::Burst) return 0;
  const double shape = o_.arrivals == Options::Arrivals::Gamma ? 1 / (o_.cv * o_.cv) : 1;
  const double gap =
      (o_.arrivals == Options::Arrivals::Gamma ? gamma(shape) / shape : -std::log(unit())) / o_.rate_per_s;
  operational_s_ += gap;
  arrival_s_ = wall_time(operational_s_, o_.diurnal_amplitude, o_.diurnal_period_s, arrival_s_);
  return arrival_s_;
}

TraceRecord SyntheticRequests::next() {
  TraceRecord r;
  r.arrival_time_s = next_arrival_s();
  switch (o_.tokens) {
    case Options::Tokens::Fixed:
      r.input_tokens = std::llround(o_.input_tokens);
      r.output_tokens = std::llround(o_.output_tokens);
      break;
    case Options::Tokens::Lognormal:
      r.input_tokens = std::max<std::int64_t>(1, std::llround(o_.input_tokens * std::exp(o_.input_sigma * normal())));
      r.output_tokens =
          std::max<std::int64_t>(1, std::llround(o_.output_tokens * std::exp(o_.output_sigma * normal())));
      break;
    case Options::Tokens::Drawn: {
      const std::size_t n = o_.drawn_from.size();
      const auto& p = o_.drawn_from[std::min(n - 1, static_cast<std::size_t>(unit() * static_cast<double>(n)))];
      r.input_tokens = p.first;
      r.output_tokens = p.second;
      break;
    }
  }
  const std::int32_t n = o_.expert_count;
  switch (o_.experts) {
    case Options::Experts::None:
      break;
    case Options::Experts::RoundRobin:
      r.expert = static_cast<std::int32_t>(made_ % n);
      break;
    case Options::Experts::Uniform:
      r.expert = std::min(n - 1, static_cast<std::int32_t>(unit() * n));
      break;
    case Options::Experts::Zipf:
      r.expert = zipf_.sample(unit());
      break;
  }
  ++made_;
  return r;
}

}  // namespace coesim::workload
