#include "sim/validation/profile_fit.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <stdexcept>

#include <fmt/format.h>
#include <nlopt.hpp>

namespace coesim::validation {
namespace {

// A fixed cost no row pays cannot be fitted.
double paid(std::span<const FitRow> rows, double BatchRunTerms::*count) {
  double total = 0;
  for (const FitRow& r : rows) total += r.terms->*count;
  return total;
}

// The per-hop all-reduce latency is told apart from the per-call one only
// by rows at two or more TP degrees above 1.
std::size_t tp_degrees_above_one(std::span<const FitRow> rows) {
  std::set<long long> hops_per_call;
  for (const FitRow& r : rows)
    if (r.terms->collective_calls > 0)
      hops_per_call.insert(std::llround(r.terms->collective_hops / r.terms->collective_calls));
  return hops_per_call.size();
}

double BatchRunTerms::*count_of(const std::string& name) {
  if (name == "step_overhead_s") return &BatchRunTerms::steps;
  if (name == "layer_overhead_s") return &BatchRunTerms::layer_steps;
  if (name == "collective_latency_s") return &BatchRunTerms::collective_calls;
  if (name == "collective_hop_latency_s") return &BatchRunTerms::collective_hops;
  if (name == "sequence_overhead_s") return &BatchRunTerms::sequence_steps;
  if (name == "request_overhead_s") return &BatchRunTerms::requests;
  return nullptr;
}

struct Problem {
  std::span<const FitRow> rows;
  hw::RuntimeProfile profile;
  std::vector<const hw::ProfileParameter*> free;  // fitted, in order
  std::vector<ParameterBounds> bounds;

  void set(const std::vector<double>& x) {
    for (std::size_t i = 0; i < free.size(); ++i)
      profile.*(free[i]->value) = bounds[i].lower + x[i] * (bounds[i].upper - bounds[i].lower);
  }
  double loss(const std::vector<double>& x) {
    set(x);
    double sum = 0;
    for (const FitRow& r : rows) {
      const double e = std::log(r.terms->time_s(profile) / r.measured_s);
      sum += e * e;
    }
    return sum;
  }
};

double objective(const std::vector<double>& x, std::vector<double>& /*gradient*/, void* data) {
  return static_cast<Problem*>(data)->loss(x);
}

}  // namespace

ParameterBounds parameter_bounds(const hw::ProfileParameter& p) {
  if (p.efficiency) return {0.02, 1.0};
  const std::string name = p.name;
  if (name == "step_overhead_s") return {0, 50e-3};
  if (name == "request_overhead_s") return {0, 1.0};
  return {0, 1e-3};  // per layer, per all-reduce call or hop, per sequence in a step
}

FitResult fit_runtime_profile(std::span<const FitRow> rows, const hw::RuntimeProfile& start,
                              const FitOptions& options) {
  if (rows.empty()) throw std::invalid_argument("no rows to fit");
  for (const auto& fixed : options.fixed) {
    const std::string& name = fixed.first;
    const auto& all = hw::profile_parameters();
    if (std::none_of(all.begin(), all.end(), [&](const auto& p) { return name == p.name; }))
      throw std::invalid_argument(fmt::format("no profile parameter '{}'", name));
  }
  Problem problem{rows, start, {}, {}};
  FitResult result;
  for (const hw::ProfileParameter& p : hw::profile_parameters()) {
    if (const auto it = options.fixed.find(p.name); it != options.fixed.end()) {
      problem.profile.*p.value = it->second;
      continue;
    }
    const bool confounded = std::string(p.name) == "collective_hop_latency_s" && tp_degrees_above_one(rows) < 2;
    if (const auto count = count_of(p.name); confounded || (count && paid(rows, count) == 0)) {
      problem.profile.*p.value = 0;
      result.unconstrained.push_back(p.name);
      continue;
    }
    problem.free.push_back(&p);
    problem.bounds.push_back(parameter_bounds(p));
  }
  const std::size_t n = problem.free.size();
  std::vector<double> best;
  double best_loss = std::numeric_limits<double>::infinity();
  if (n > 0) {
    // Starts: efficiencies high, middling and low; fixed times small.
    for (const double efficiency : {0.9, 0.5, 0.2}) {
      std::vector<double> x(n);
      for (std::size_t i = 0; i < n; ++i) {
        const ParameterBounds& b = problem.bounds[i];
        x[i] = problem.free[i]->efficiency ? (efficiency - b.lower) / (b.upper - b.lower) : 0.01;
      }
      nlopt::opt opt(nlopt::LN_BOBYQA, static_cast<unsigned>(n));
      opt.set_lower_bounds(std::vector<double>(n, 0.0));
      opt.set_upper_bounds(std::vector<double>(n, 1.0));
      opt.set_min_objective(objective, &problem);
      opt.set_xtol_rel(1e-7);
      opt.set_ftol_rel(1e-12);
      opt.set_maxeval(5000);
      double loss = 0;
      try {
        opt.optimize(x, loss);
      } catch (const nlopt::roundoff_limited&) {
        loss = problem.loss(x);  // converged as far as arithmetic allows
      }
      if (loss < best_loss) {
        best_loss = loss;
        best = x;
      }
    }
    problem.set(best);
  }
  result.profile = problem.profile;
  for (const FitRow& r : rows) {
    const double p = r.terms->time_s(result.profile);
    result.predicted_s.push_back(p);
    const double e = std::abs(p / r.measured_s - 1.0);
    result.mean_abs_relative_error += e / static_cast<double>(rows.size());
    result.max_abs_relative_error = std::max(result.max_abs_relative_error, e);
  }
  return result;
}

std::vector<double> leave_one_model_out(std::span<const FitRow> rows, const hw::RuntimeProfile& start,
                                        const FitOptions& options) {
  std::set<std::string> models;
  for (const FitRow& r : rows) models.insert(r.model);
  if (models.size() < 2) return {};
  std::vector<double> predicted(rows.size());
  for (const std::string& held_out : models) {
    std::vector<FitRow> training;
    for (const FitRow& r : rows)
      if (r.model != held_out) training.push_back(r);
    const FitResult fit = fit_runtime_profile(training, start, options);
    for (std::size_t i = 0; i < rows.size(); ++i)
      if (rows[i].model == held_out) predicted[i] = rows[i].terms->time_s(fit.profile);
  }
  return predicted;
}

}  // namespace coesim::validation
