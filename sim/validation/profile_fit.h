#pragma once
// Fits a runtime profile's parameters to measured runs (DESIGN.md:
// calibration): bounded least squares on the log of predicted over measured
// latency, so a 10% miss weighs the same on a 0.1 s and a 40 s run. The
// solver is NLopt's BOBYQA (bounded, derivative-free: a step's time has a
// max() in it), started from a few fixed points, best kept: deterministic.
// Leave-one-model-out predicts each model's rows with a fit to the others.
#include <map>
#include <span>
#include <string>
#include <vector>

#include "sim/hw/runtime_profile.h"
#include "sim/validation/batch_run.h"

namespace coesim::validation {

struct FitRow {
  const BatchRunTerms* terms = nullptr;
  double measured_s = 0;
  std::string model;  // for leave-one-model-out
};

struct FitOptions {
  std::map<std::string, double> fixed;  // parameters held at a value, by name
};

struct FitResult {
  hw::RuntimeProfile profile;       // `start` with the fitted parameters
  std::vector<double> predicted_s;  // per row
  double mean_abs_relative_error = 0;
  double max_abs_relative_error = 0;
  std::vector<std::string> unconstrained;  // no row pays this cost: held at 0
};

// The search range of each parameter (efficiencies a fraction, times in s).
struct ParameterBounds {
  double lower = 0;
  double upper = 0;
};
ParameterBounds parameter_bounds(const hw::ProfileParameter& parameter);

// Throws std::invalid_argument for no rows or an unknown fixed parameter.
FitResult fit_runtime_profile(std::span<const FitRow> rows, const hw::RuntimeProfile& start,
                              const FitOptions& options = {});

// Each model's rows predicted by a fit to the other models' rows (empty
// when the rows hold fewer than two models).
std::vector<double> leave_one_model_out(std::span<const FitRow> rows, const hw::RuntimeProfile& start,
                                        const FitOptions& options = {});

}  // namespace coesim::validation
