// `coesim validate`: predicts every row of a measured-runs file (LLM-Inference-
// Bench's CSV format) with the shipped platforms, runtime profiles and models
// a validation map names, and prints measured, predicted and relative error
// per row and per (hardware, framework) group; skipped rows with the reason.
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "sim/cli/command.h"
#include "sim/cli/config_paths.h"
#include "sim/validation/measured_cases.h"
#include "sim/validation/validation_report.h"

namespace coesim::cli {
namespace {

struct ValidateOptions {
  std::vector<std::string> datasets;
  std::string map_file;
  bool lomo = false;
  bool rows = false;
  bool json = false;
};

int run(const ValidateOptions& o) {
  const std::vector<validation::MeasuredRuns> runs = validation::read_measured_runs(o.datasets);
  const validation::ValidationMap map = validation::load_validation_map(validation_map_or_default(o.map_file));
  const validation::MeasuredCases cases(runs, map);
  const validation::ValidationReport report = validation::validate_cases(cases, o.datasets, o.lomo);
  if (o.json) {
    nlohmann::json j = validation::to_json(report);
    j["map"] = map.file;
    fmt::print("{}\n", j.dump(2));
  } else {
    fmt::print("{}", validation::to_text(report, o.rows));
  }
  return kExitOk;
}

}  // namespace

RunFunction add_validate_command(CLI::App& app) {
  auto o = std::make_shared<ValidateOptions>();
  CLI::App* cmd = app.add_subcommand(
      "validate",
      "predict measured runs (LLM-Inference-Bench CSV: one batch run a row) with the shipped platforms, runtime "
      "profiles and models; relative error per row and mean / max per (hardware, framework). Rows that cannot be "
      "predicted are listed with the reason, never dropped");
  cmd->add_option("datasets", o->datasets,
                  "measured runs, one file or more: Hardware,Num of Hardware,Framework,Model,Input Output Length,"
                  "Batch Size,Latency,Throughput (or Input Length,Output Length for the length column), or the "
                  "time-to-first-token file (TTFT Latency: runs of one output token)")
      ->required();
  cmd->add_option("--map", o->map_file,
                  "which platform, profile and model stand for a row (default: "
                  "hw-configs/measurements/validation-map.yaml)");
  cmd->add_flag("--lomo", o->lomo,
                "also predict each row with a profile fitted to its group's other models (leave-one-model-out)");
  cmd->add_flag("--rows", o->rows, "print every row, not only the groups");
  cmd->add_flag("--json", o->json,
                "print {\"rows\": [...], \"groups\": [...]}: each row with dataset, line, hardware, devices, framework, model, "
                "input_tokens, output_tokens, batch, measured_latency_s, predicted_latency_s, relative_error, "
                "lomo_predicted_latency_s, lomo_relative_error (null when skipped or not asked) and skipped (null, "
                "or the reason)");
  return [cmd, o]() -> int { return cmd->parsed() ? run(*o) : -1; };
}

}  // namespace coesim::cli
