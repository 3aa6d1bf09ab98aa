// `coesim calibrate`: fits a runtime profile (what a software stack adds to
// the roofline on a platform) to the measured runs of one (hardware,
// framework) group, reports the fit and its leave-one-model-out error, and
// writes the profile file. Only single-model measured runs are fitted: never
// a speed-up, a CoE result or any figure a study is compared against.
#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "sim/cli/command.h"
#include "sim/cli/config_paths.h"
#include "sim/cli/report.h"
#include "sim/config/config_error.h"
#include "sim/io/pending_file.h"
#include "sim/validation/measured_cases.h"
#include "sim/validation/profile_fit.h"
#include "sim/validation/validation_report.h"

namespace coesim::cli {
namespace {

struct CalibrateOptions {
  std::vector<std::string> datasets;
  std::string map_file;
  std::string hardware;
  std::string framework;
  std::string name;
  std::vector<std::string> fixed;
  std::string out_file;
  bool json = false;
};

std::map<std::string, double> parse_fixed(const std::vector<std::string>& items) {
  std::map<std::string, double> fixed;
  for (const std::string& item : items) {
    const auto eq = item.find('=');
    double value = 0;
    std::size_t used = 0;
    try {
      if (eq == std::string::npos) throw std::invalid_argument("no '='");
      value = std::stod(item.substr(eq + 1), &used);
    } catch (const std::exception&) {
      throw config::UsageError(fmt::format("--fix '{}': expected NAME=VALUE (value in seconds or a fraction)", item));
    }
    if (used != item.size() - eq - 1 || !std::isfinite(value) || value < 0)
      throw config::UsageError(fmt::format("--fix '{}': the value is not a finite non-negative number", item));
    const std::string name = item.substr(0, eq);
    const auto& all = hw::profile_parameters();
    const auto p = std::find_if(all.begin(), all.end(), [&](const auto& q) { return name == q.name; });
    if (p == all.end()) throw config::UsageError(fmt::format("--fix '{}': no profile parameter '{}'", item, name));
    if (p->efficiency && (value <= 0 || value > 1))
      throw config::UsageError(fmt::format("--fix '{}': an efficiency is in (0, 1]", item));
    fixed[name] = value;
  }
  return fixed;
}

int run(const CalibrateOptions& o) {
  validation::FitOptions options;
  options.fixed = parse_fixed(o.fixed);
  const std::vector<validation::MeasuredRuns> runs = validation::read_measured_runs(o.datasets);
  const std::string datasets = fmt::format("{}", fmt::join(o.datasets, " "));
  const validation::ValidationMap map = validation::load_validation_map(validation_map_or_default(o.map_file));
  const validation::MeasuredCases cases(runs, map);
  std::vector<const validation::MeasuredCase*> used;
  std::map<std::string, int> skipped;  // reason -> rows
  for (const validation::MeasuredCase& c : cases.cases()) {
    if (c.row->hardware != o.hardware || c.row->framework != o.framework) continue;
    if (c.predicted())
      used.push_back(&c);
    else
      ++skipped[c.skip_kind];
  }
  if (used.empty())
    throw config::UsageError(
        fmt::format("no row of {} can be predicted for hardware '{}' with framework '{}'{}", datasets, o.hardware,
                    o.framework, skipped.empty() ? " (no such rows)" : fmt::format(" ({} skipped)", skipped.size())));
  const validation::CaseFitRows fit_rows(used);
  const std::vector<validation::FitRow>& rows = fit_rows.rows;
  std::vector<std::string> models;
  for (const auto* c : used)
    if (std::find(models.begin(), models.end(), c->row->model) == models.end()) models.push_back(c->row->model);
  // The mapped profile (or the platform's) gives the KV memory settings, which
  // are documented settings of the stack and fixed the rows' waves.
  const hw::RuntimeProfile& start = *used.front()->profile;
  const validation::FitResult fit = validation::fit_runtime_profile(rows, start, options);
  const std::vector<double> lomo = validation::leave_one_model_out(rows, start, options);

  hw::RuntimeProfile profile = fit.profile;
  profile.fit.reset();
  profile.file.clear();
  for (auto it = profile.sources.begin(); it != profile.sources.end();)
    it = it->first == "kv_memory" ? std::next(it) : profile.sources.erase(it);
  profile.name = o.name.empty() ? "calibrated" : o.name;
  profile.description = fmt::format("{} with {}, fitted by coesim calibrate ({} rows, {} models)", o.hardware,
                                    o.framework, rows.size(), models.size());
  int skipped_rows = 0;
  for (const auto& [reason, n] : skipped) skipped_rows += n;
  profile.sources["fit"] = fmt::format(
      "coesim calibrate {} --hardware '{}' --framework '{}'{}: bounded least squares on log(predicted / measured) "
      "over the {} predicted rows of that group ({} skipped, reasons in coesim validate --rows); platform '{}'",
      datasets, o.hardware, o.framework, o.fixed.empty() ? "" : fmt::format(" --fix {}", fmt::join(o.fixed, " --fix ")),
      rows.size(), skipped_rows, used.front()->platform->name);
  hw::ProfileFit info;
  info.dataset = datasets;
  info.hardware = o.hardware;
  info.framework = o.framework;
  info.models = models;
  info.rows_used = static_cast<std::int64_t>(rows.size());
  info.rows_skipped = skipped_rows;
  info.mean_abs_relative_error = fit.mean_abs_relative_error;
  info.max_abs_relative_error = fit.max_abs_relative_error;
  info.unconstrained = fit.unconstrained;
  std::map<std::string, validation::ErrorStats> per_model;
  if (!lomo.empty()) {
    validation::ErrorStats all;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const double e = lomo[i] / rows[i].measured_s - 1.0;
      all.add(e);
      per_model[rows[i].model].add(e);
    }
    all.finish();
    for (auto& [m, s] : per_model) s.finish();
    info.lomo_mean_abs_relative_error = all.mean_abs;
    info.lomo_max_abs_relative_error = all.max_abs;
  }
  profile.fit = info;
  if (!o.out_file.empty()) io::write_text_atomically(o.out_file, hw::runtime_profile_yaml(profile));

  const auto json_or_null = [](const std::optional<double>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
  };
  Report out;
  nlohmann::json parameters;
  for (const hw::ProfileParameter& p : hw::profile_parameters()) parameters[p.name] = profile.*p.value;
  out.set("hardware", o.hardware)
      .set("framework", o.framework)
      .set("rows_used", rows.size())
      .set("rows_skipped", skipped_rows)
      .set("models", models)
      .set("parameters", parameters)
      .set("unconstrained", fit.unconstrained)
      .set("mean_abs_relative_error", fit.mean_abs_relative_error)
      .set("max_abs_relative_error", fit.max_abs_relative_error)
      .set("lomo_mean_abs_relative_error", json_or_null(info.lomo_mean_abs_relative_error))
      .set("lomo_max_abs_relative_error", json_or_null(info.lomo_max_abs_relative_error))
      .set("out_file", o.out_file.empty() ? nlohmann::json(nullptr) : nlohmann::json(o.out_file));
  out.line("{hardware} with {framework}: {rows_used} rows of {#models} models fitted ({rows_skipped} skipped)");
  // Text only: the JSON gives the total, rows_skipped.
  Table& skipped_reasons =
      out.table("", {{.cell = "{rows}", .width = 3, .align = Column::Align::right}, {.cell = "{reason}", .gap = ": "}});
  skipped_reasons.indent = "  skipped ";
  for (const auto& [reason, n] : skipped) skipped_reasons.add(Report().set("rows", n).set("reason", reason));
  for (const hw::ProfileParameter& p : hw::profile_parameters()) {
    const bool unconstrained =
        std::find(fit.unconstrained.begin(), fit.unconstrained.end(), p.name) != fit.unconstrained.end();
    const std::string value = "{parameters." + std::string(p.name) + (p.efficiency ? ":.3f}" : "*1e6:.3f} us");
    out.line(fmt::format("  {:<28} ", p.name) + value + (options.fixed.contains(p.name) ? " (fixed)" : "") +
             (unconstrained ? " (no row pays it: 0)" : ""));
  }
  out.line(
      "fit error on the rows used: mean |err| {mean_abs_relative_error*100:.1f}%, "
      "max {max_abs_relative_error*100:.1f}%");
  out.line(lomo.empty() ? "leave-one-model-out: not possible with one model"
                        : "leave-one-model-out: mean |err| {lomo_mean_abs_relative_error*100:.1f}%, "
                          "max {lomo_max_abs_relative_error*100:.1f}%");
  Table& lomo_models = out.table("lomo_per_model", {{.cell = "{model}", .width = 32},
                                                    {.cell = "{rows}", .width = 4, .align = Column::Align::right},
                                                    {.cell = "rows  mean {mean_abs_relative_error*100:.1f}%  "
                                                             "max {max_abs_relative_error*100:.1f}%"}});
  lomo_models.indent = "  ";
  for (const auto& [m, s] : per_model)
    lomo_models.add(Report()
                        .set("model", m)
                        .set("rows", s.rows)
                        .set("mean_abs_relative_error", s.mean_abs)
                        .set("max_abs_relative_error", s.max_abs));
  if (!o.out_file.empty()) out.line("profile written to {out_file}");
  fmt::print("{}", o.json ? json_text(out) : out.text());
  return kExitOk;
}

}  // namespace

RunFunction add_calibrate_command(CLI::App& app) {
  auto o = std::make_shared<CalibrateOptions>();
  CLI::App* cmd = app.add_subcommand(
      "calibrate",
      "fit a runtime profile (efficiencies and fixed times of a software stack) to the measured runs of one "
      "(hardware, framework) group; reports the fit, its leave-one-model-out error, and writes the profile");
  cmd->add_option("datasets", o->datasets,
                  "measured runs, one file or more (LLM-Inference-Bench CSV formats, as coesim validate reads)")
      ->required();
  cmd->add_option("--hardware", o->hardware, "the rows' Hardware column, e.g. 'Nvidia H100 GPU'")->required();
  cmd->add_option("--framework", o->framework, "the rows' Framework column, e.g. TensorRT-LLM")->required();
  cmd->add_option("--map", o->map_file,
                  "which platform and model stand for a row (default: hw-configs/measurements/validation-map.yaml)");
  cmd->add_option("--name", o->name, "profile name written to the file (default: calibrated)");
  cmd->add_option("--fix", o->fixed,
                  "hold a parameter at a value instead of fitting it, NAME=VALUE (seconds or a fraction); "
                  "repeatable");
  cmd->add_option("--out", o->out_file, "profile file to write (written atomically)");
  cmd->add_flag("--json", o->json, "print the fit as one JSON object");
  return [cmd, o]() -> int { return cmd->parsed() ? run(*o) : -1; };
}

}  // namespace coesim::cli
