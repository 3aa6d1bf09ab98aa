// `coesim validate` on the whole LLM-Inference-Bench dataset (3,776 rows:
// read, resolve every row to platform, profile and model, predict every
// predictable row; issue target: under 5 s on one core), and one
// leave-one-model-out pass over its largest group (a fit per model).
#include <benchmark/benchmark.h>

#include <filesystem>

#include "sim/validation/measured_cases.h"
#include "sim/validation/measured_runs.h"
#include "sim/validation/validation_map.h"
#include "sim/validation/validation_report.h"

namespace coesim::validation {
namespace {

const std::filesystem::path kRoot(COESIM_SOURCE_DIR);
const std::filesystem::path kDataset = kRoot / "hw-configs/measurements/llm-inference-bench/all-results.csv";
const std::filesystem::path kMap = kRoot / "hw-configs/measurements/validation-map.yaml";

void WholeDataset(benchmark::State& state) {
  std::size_t predicted = 0;
  for (auto _ : state) {
    const std::vector<MeasuredRuns> runs{read_measured_runs(kDataset)};
    const MeasuredCases cases(runs, load_validation_map(kMap));
    const ValidationReport report = validate_cases(cases, {kDataset.string()}, false);
    predicted = 0;
    for (const RowResult& r : report.rows) predicted += r.predicted_s ? 1 : 0;
    benchmark::DoNotOptimize(report);
  }
  state.counters["rows"] = 3776;
  state.counters["predicted"] = static_cast<double>(predicted);
}
BENCHMARK(WholeDataset)->Unit(benchmark::kMillisecond);

void WholeDatasetLeaveOneModelOut(benchmark::State& state) {
  for (auto _ : state) {
    const std::vector<MeasuredRuns> runs{read_measured_runs(kDataset)};
    const MeasuredCases cases(runs, load_validation_map(kMap));
    benchmark::DoNotOptimize(validate_cases(cases, {kDataset.string()}, true));
  }
}
BENCHMARK(WholeDatasetLeaveOneModelOut)->Unit(benchmark::kSecond)->Iterations(1);

}  // namespace
}  // namespace coesim::validation

BENCHMARK_MAIN();
