#pragma once
// The rows of a measured-runs file made ready to predict: each row's
// platform, TP group, runtime profile and model resolved through a
// ValidationMap, or the reason it cannot be predicted (no platform or model
// for it, more devices than the platform has, weights and KV caches that do
// not fit, or a measured time below the ideal roofline, which no complete
// run can beat). Platforms, profiles and models are loaded once each.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/hw/platform.h"
#include "sim/hw/runtime_profile.h"
#include "sim/llm/model_spec.h"
#include "sim/serving/execution_model.h"
#include "sim/validation/batch_run.h"
#include "sim/validation/measured_runs.h"
#include "sim/validation/profile_fit.h"
#include "sim/validation/validation_map.h"

namespace coesim::validation {

struct MeasuredCase {
  const MeasuredRuns* dataset = nullptr;
  const MeasuredRun* row = nullptr;
  std::string group;      // "hardware / framework"
  std::string skipped;    // empty when the row is predicted
  std::string skip_kind;  // the reason without this row's numbers, for counting
  const hw::Platform* platform = nullptr;
  const llm::ModelSpec* model = nullptr;
  const hw::RuntimeProfile* profile = nullptr;  // the mapped profile (or the platform's own)
  serving::TpGroupHardware hardware;
  std::optional<serving::StepModel> step_model;
  BatchRunShape shape;         // waves as the mapped profile's KV memory allows
  double ideal_latency_s = 0;  // peak FLOP/s and bandwidth, no overheads

  bool predicted() const { return skipped.empty(); }
  // The latency the simulator predicts for this row with `profile` (whose
  // KV memory settings must be the mapped profile's: they fixed the waves).
  double predict_s(const hw::RuntimeProfile& profile) const;
};

// Owns what the cases point to; keep it alive while they are used.
class MeasuredCases {
 public:
  // Every row of every file, in order; `datasets` must outlive the cases.
  MeasuredCases(const std::vector<MeasuredRuns>& datasets, const ValidationMap& map);
  const std::vector<MeasuredCase>& cases() const { return cases_; }

 private:
  const hw::Platform& platform(const std::string& file);
  const llm::ModelSpec& model(const std::string& file);
  const hw::RuntimeProfile& profile(const PlatformMapping& mapping, const hw::Platform& platform);
  MeasuredCase resolve(const MeasuredRuns& dataset, const MeasuredRun& row, const ValidationMap& map);

  std::map<std::string, std::unique_ptr<hw::Platform>> platforms_;
  std::map<std::string, std::unique_ptr<llm::ModelSpec>> models_;
  std::map<std::string, std::unique_ptr<hw::RuntimeProfile>> profiles_;
  std::vector<MeasuredCase> cases_;
};

std::string group_name(const std::string& hardware, const std::string& framework);

// Predicted cases as rows to fit a profile to: each one's terms, measured
// latency and model. The rows point into `terms`, so the object stays put.
struct CaseFitRows {
  std::vector<BatchRunTerms> terms;
  std::vector<FitRow> rows;
  explicit CaseFitRows(const std::vector<const MeasuredCase*>& cases);
  CaseFitRows(const CaseFitRows&) = delete;
  CaseFitRows& operator=(const CaseFitRows&) = delete;
};

}  // namespace coesim::validation
