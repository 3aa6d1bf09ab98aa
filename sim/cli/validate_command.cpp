// `coesim validate`: predicts every row of a measured-runs file (LLM-Inference-
// Bench's CSV format) with the shipped platforms, runtime profiles and models
// a validation map names, and prints measured, predicted and relative error
// per row and per (hardware, framework) group; skipped rows with the reason.
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "sim/cli/command.h"
#include "sim/cli/config_paths.h"
#include "sim/cli/report.h"
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
  Report out;
  nlohmann::json figures = validation::to_json(report);
  const nlohmann::json row_figures = std::move(figures.at("rows"));  // these two are tables below
  const nlohmann::json group_figures = std::move(figures.at("groups"));
  figures.erase("rows");
  figures.erase("groups");
  out.set_all(figures).set("map", map.file);
  out.line("measured runs: {datasets}");
  constexpr auto right = Column::Align::right;
  std::vector<Column> row_columns;  // none: the rows are in the JSON only
  if (o.rows)
    row_columns = {{.header = "line", .cell = "{line}", .width = 5, .align = right},
                   {.header = "hardware / framework", .cell = "{hardware} / {framework}", .width = 34, .gap = "  "},
                   {.header = "dev", .cell = "{devices}", .width = 3, .align = right},
                   {.header = "model", .cell = "{model}", .width = 28, .gap = "  "},
                   {.header = "in", .cell = "{input_tokens}", .width = 5, .align = right},
                   {.header = "out", .cell = "{output_tokens}", .width = 5, .align = right},
                   {.header = "bs", .cell = "{batch}", .width = 4, .align = right},
                   {.header = "measured", .cell = "{measured_latency_s:.4g}", .width = 9, .align = right, .gap = "  "},
                   {.header = "predicted", .cell = "{predicted_latency_s:.4g}", .width = 9, .align = right},
                   {.header = "error", .cell = "{relative_error*100:+.1f}%", .width = 8, .align = right},
                   {.header = "lomo", .cell = "{lomo_relative_error*100:+.1f}%", .width = 8, .align = right}};
  Table& rows = out.table("rows", std::move(row_columns));
  rows.note_replaces = "predicted";
  for (const nlohmann::json& row : row_figures)
    rows.add(Report().set_all(row), row.at("skipped").is_null() ? "" : "skipped: {skipped}");
  if (o.rows) out.line();
  Table& groups = out.table(
      "groups",
      {{.header = "hardware / framework", .cell = "{hardware} / {framework}", .width = 34},
       {.header = "profile", .cell = "{profile}", .width = 22},
       {.header = "rows", .cell = "{rows}", .width = 5, .align = right},
       {.header = "used", .cell = "{predicted}", .width = 5, .align = right},
       {.header = "mean|err|", .cell = "{mean_abs_relative_error*100:.1f}%", .width = 9, .align = right, .gap = "  "},
       {.header = "max|err|", .cell = "{max_abs_relative_error*100:.1f}%", .width = 9, .align = right},
       {.header = "LOMO mean",
        .cell = "{lomo.mean_abs_relative_error*100:.1f}%",
        .width = 9,
        .align = right,
        .gap = "  "},
       {.header = "LOMO max", .cell = "{lomo.max_abs_relative_error*100:.1f}%", .width = 9, .align = right}});
  for (const nlohmann::json& group : group_figures) groups.add(Report().set_all(group));
  fmt::print("{}", o.json ? json_text(out) : out.text());
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
  cmd->add_flag(
      "--json", o->json,
      "print {\"rows\": [...], \"groups\": [...]}: each row with dataset, line, hardware, devices, framework, model, "
      "input_tokens, output_tokens, batch, measured_latency_s, predicted_latency_s, relative_error, "
      "lomo_predicted_latency_s, lomo_relative_error (null when skipped or not asked) and skipped (null, "
      "or the reason)");
  return [cmd, o]() -> int { return cmd->parsed() ? run(*o) : -1; };
}

}  // namespace coesim::cli
