#pragma once
// Predicted against measured, per row and per (hardware, framework) group:
// what `coesim validate` prints. With leave-one-model-out, each predicted
// row is also predicted by a profile fitted to its group's other models, the
// error a user should expect on a model no fit has seen.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/validation/measured_cases.h"

namespace coesim::validation {

struct RowResult {
  const MeasuredCase* source = nullptr;
  std::optional<double> predicted_s;       // with the mapped profile; absent when skipped
  std::optional<double> lomo_predicted_s;  // fitted without this row's model
  std::optional<double> relative_error() const;
  std::optional<double> lomo_relative_error() const;
};

struct ErrorStats {
  int rows = 0;
  double mean_abs = 0;
  double max_abs = 0;
  void add(double relative_error);  // call with every row, then finish()
  void finish();
};

struct GroupResult {
  std::string hardware;
  std::string framework;
  std::string profile;  // name of the mapped profile; empty when every row is skipped
  int rows = 0;
  int skipped = 0;
  std::vector<std::string> models;  // predicted models
  ErrorStats error;
  std::optional<ErrorStats> lomo_error;
};

struct ValidationReport {
  std::vector<std::string> datasets;
  std::vector<RowResult> rows;
  std::vector<GroupResult> groups;  // in order of first appearance
};

// The report's rows point into `cases`: keep them (and their files) alive.
ValidationReport validate_cases(const MeasuredCases& cases, std::vector<std::string> datasets,
                                bool leave_one_model_out);

// {"datasets", "rows": [...], "groups": [...]} with the fields `coesim validate --json` documents.
nlohmann::json to_json(const ValidationReport& report);

}  // namespace coesim::validation
