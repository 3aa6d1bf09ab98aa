// Guards results/VALIDATION.md: each group's error on the measured runs may
// not grow past the value recorded in results/validation/recorded-errors.json
// plus half a percentage point. A change that makes the simulator worse must
// rerun results/validation/run and say in its commit why the figure moved.
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "sim/validation/measured_cases.h"
#include "sim/validation/measured_runs.h"
#include "sim/validation/validation_map.h"
#include "sim/validation/validation_report.h"
#include "tests/test_support.h"

namespace coesim::validation {
namespace {

using testing::source_path;

constexpr double kMargin = 0.005;

nlohmann::json recorded() {
  std::ifstream in(source_path("results/validation/recorded-errors.json"));
  return nlohmann::json::parse(in);
}

// The files, their cases and the report, which points into the cases.
struct Validated {
  std::vector<MeasuredRuns> runs;
  MeasuredCases cases;
  ValidationReport report;
  Validated(const std::vector<std::string>& files, const std::string& map, bool lomo)
      : runs(read(files)),
        cases(runs, load_validation_map(source_path(map))),
        report(validate_cases(cases, files, lomo)) {}
  static std::vector<MeasuredRuns> read(const std::vector<std::string>& files) {
    std::vector<MeasuredRuns> runs;
    for (const std::string& f : files) runs.push_back(read_measured_runs(source_path(f)));
    return runs;
  }
};

TEST(ValidationGuard, NoGroupOfMeasuredRunsGetsWorse) {
  const nlohmann::json expected = recorded();
  const Validated v({"hw-configs/measurements/llm-inference-bench/all-results.csv",
                     "hw-configs/measurements/llm-inference-bench/ttft-itl.csv"},
                    "hw-configs/measurements/validation-map.yaml", true);
  const ValidationReport& r = v.report;
  int checked = 0;
  for (const GroupResult& g : r.groups) {
    if (g.error.rows == 0) continue;
    const std::string name = group_name(g.hardware, g.framework);
    SCOPED_TRACE(name);
    ASSERT_TRUE(expected.contains(name)) << "a new group: rerun results/validation/run";
    const nlohmann::json& e = expected[name];
    EXPECT_EQ(g.rows - g.skipped, e["rows_predicted"].get<int>());
    EXPECT_LE(g.error.mean_abs, e["mean_abs_relative_error"].get<double>() + kMargin);
    if (!e["lomo_mean_abs_relative_error"].is_null()) {
      ASSERT_TRUE(g.lomo_error.has_value());
      EXPECT_LE(g.lomo_error->mean_abs, e["lomo_mean_abs_relative_error"].get<double>() + kMargin);
    }
    ++checked;
  }
  EXPECT_GE(checked, 6);
}

TEST(ValidationGuard, TheNemoTableDoesNotGetWorse) {
  const nlohmann::json e = recorded()["NeMo Llama-2-7B"];
  const Validated v({"hw-configs/measurements/nemo-llama-2-7b.csv"}, "hw-configs/measurements/nemo-map.yaml", false);
  const ValidationReport& r = v.report;
  ErrorStats all;
  for (const RowResult& row : r.rows) {
    ASSERT_TRUE(row.relative_error().has_value()) << row.source->skipped;
    all.add(*row.relative_error());
  }
  all.finish();
  EXPECT_EQ(all.rows, e["rows_predicted"].get<int>());
  EXPECT_LE(all.mean_abs, e["mean_abs_relative_error"].get<double>() + kMargin);
}

}  // namespace
}  // namespace coesim::validation
