// `coesim switch`: cold-load one expert into the fast tier (one platform x one
// model), or with --all a table over shipped models x platforms, with the
// ratio of each switch time to a reference platform's.
#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "sim/cli/command.h"
#include "sim/cli/number_checks.h"
#include "sim/cli/config_paths.h"
#include "sim/cli/report.h"
#include "sim/config/config_error.h"
#include "sim/config/yaml_files.h"
#include "sim/hw/platform_loader.h"
#include "sim/llm/load_model.h"
#include "sim/llm/model_size.h"
#include "sim/serving/expert_switch.h"

namespace coesim::cli {
namespace {

struct SwitchOptions {
  std::string hw_file;
  std::string model_file;
  std::string host_link;
  int tensor_parallel = 0;
  std::vector<std::string> hw_overrides;
  bool all = false;
  std::vector<std::string> models;
  std::vector<std::string> platforms;
  std::string reference = "sn40l-node";
  std::string hw_dir;
  std::string model_dir;
  bool json = false;
};

struct Row {
  std::string model;
  std::string platform;
  std::optional<serving::ExpertSwitchResult> result;
  std::string not_run_reason;  // e.g. does not fit
  std::optional<double> ratio_to_reference;
};

// One resource's use: a row of the resources table, and the bottleneck.
Report resource_report(const serving::ResourceUse& u) {
  Report r;
  r.set("name", u.name)
      .set("kind", u.kind)
      .set("group", u.group)
      .set("bandwidth_bytes_per_s", u.bandwidth_bytes_per_s)
      .set("bytes", u.bytes)
      .set("utilisation", u.utilisation);
  return r;
}

std::string bottleneck_text(const serving::ExpertSwitchResult& r) {
  const std::string what = r.bottleneck_instances > 1
                               ? fmt::format("{} (x{})", r.bottleneck.group, r.bottleneck_instances)
                               : r.bottleneck.name;
  return fmt::format("{} {:.0f}%", what, 100.0 * r.bottleneck.utilisation);
}

// One switch: its figures, and in text a few lines and the resources it used.
Report switch_report(const serving::ExpertSwitchResult& r) {
  Report out;
  out.set("platform", r.platform)
      .set("model", r.model)
      .set("host_link_mode", r.host_link_mode.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.host_link_mode))
      .set("tensor_parallel", r.tensor_parallel)
      .set("weight_bytes", r.weight_bytes)
      .set("switch_time_s", r.switch_time_s)
      .set("achieved_bytes_per_s", r.achieved_bytes_per_s)
      .set("bottleneck", resource_report(r.bottleneck).json())
      .set("bottleneck_instances", r.bottleneck_instances)
      .set("execution_model", "fluid max-min flow network (coesim kernel)")
      .text_only("bottleneck_busy", bottleneck_text(r));
  out.line(r.host_link_mode.empty() ? "expert switch: {model} on {platform}"
                                    : "expert switch: {model} on {platform} (host link mode: {host_link_mode})");
  out.line(
      "  weights            {weight_bytes/1e9:.3f} GB ({weight_bytes} bytes), TP={tensor_parallel} -> {#shards} "
      "shards");
  out.line("  switch time        {switch_time_s*1e3:.3f} ms");
  out.line("  achieved bandwidth {achieved_bytes_per_s/1e9:.1f} GB/s ({achieved_bytes_per_s/1073741824:.1f} GiB/s)");
  out.line("  bottleneck         {bottleneck_busy}");
  out.line("  resources:");
  Table& resources = out.table("resources", {{.cell = "{name}", .width = 26},
                                             {.cell = "{kind}", .width = 5},
                                             {.cell = "{bandwidth_bytes_per_s/1e9:>10.1f} GB/s"},
                                             {.cell = "{bytes/1e9:>9.3f} GB"},
                                             {.cell = "{utilisation*100:>5.1f}% busy", .gap = "  "}});
  resources.indent = "    ";
  for (const auto& u : r.resources) resources.add(resource_report(u));
  Table& shards = out.table("shards", {});
  for (const auto& s : r.shards)
    shards.add(Report()
                   .set("device", s.device)
                   .set("from_tier", s.from_tier)
                   .set("to_tier", s.to_tier)
                   .set("bytes", s.bytes)
                   .set("end_s", s.end_s)
                   .set("bottleneck", s.bottleneck));
  return out;
}

hw::Platform load_hw(const std::filesystem::path& file, const std::vector<std::string>& overrides) {
  config::ConfigDoc doc = config::ConfigDoc::load(file);
  for (const auto& o : overrides) doc.set_from_text(o);
  return hw::load_platform(doc);
}

serving::ExpertSwitchResult run_one(const hw::Platform& platform, const llm::ModelSpec& model, const std::string& mode,
                                    int tp) {
  serving::ExpertSwitchInput input;
  input.model_name = model.name;
  input.weight_bytes = static_cast<std::uint64_t>(llm::weight_bytes(model));
  input.host_link_mode = mode;
  input.tensor_parallel = tp;
  return serving::simulate_expert_switch(platform, input);
}

// Keeps files whose stem or declared name is in `wanted` (in that order); all if empty.
template <typename T>
std::vector<std::pair<std::filesystem::path, T>> select(const std::vector<std::pair<std::filesystem::path, T>>& all,
                                                        const std::vector<std::string>& wanted, const char* what) {
  if (wanted.empty()) return all;
  std::vector<std::pair<std::filesystem::path, T>> out;
  for (const auto& w : wanted) {
    const auto it =
        std::find_if(all.begin(), all.end(), [&](const auto& e) { return e.first.stem() == w || e.second.name == w; });
    if (it == all.end()) throw config::UsageError(fmt::format("no shipped {} named '{}'", what, w));
    out.push_back(*it);
  }
  return out;
}

int run_all(const SwitchOptions& o) {
  const auto hw_dir = o.hw_dir.empty() ? shipped_dir("hw-configs") : std::filesystem::path(o.hw_dir);
  const auto model_dir = o.model_dir.empty() ? shipped_dir("models") : std::filesystem::path(o.model_dir);
  std::vector<std::pair<std::filesystem::path, hw::Platform>> platforms;
  for (const auto& f : config::yaml_files(hw_dir)) platforms.emplace_back(f, load_hw(f, o.hw_overrides));
  std::vector<std::pair<std::filesystem::path, llm::ModelSpec>> models;
  for (const auto& f : config::yaml_files(model_dir)) models.emplace_back(f, llm::load_model(f));
  if (o.platforms.empty()) {
    // A platform whose execution is a measured latency table copies exactly
    // like the platform it extends: its rows would repeat that platform's.
    std::erase_if(platforms, [](const auto& p) { return p.second.serving.execution_model != "roofline"; });
  }
  platforms = select(platforms, o.platforms, "platform");
  models = select(models, o.models, "model");

  std::vector<Row> rows;
  for (const auto& [mfile, model] : models) {
    std::optional<double> reference_s;
    const size_t first = rows.size();
    for (const auto& [pfile, platform] : platforms) {
      // --host-link picks one mode on platforms that have modes.
      const std::vector<std::string> modes = platform.host_link_modes.empty() || o.host_link.empty()
                                                 ? platform.copy_modes()
                                                 : std::vector<std::string>{o.host_link};
      for (const auto& mode : modes) {
        Row row{model.name, platform.name, std::nullopt, "", std::nullopt};
        try {
          row.result = run_one(platform, model, mode, o.tensor_parallel);
          if (platform.name == o.reference && !reference_s) reference_s = row.result->switch_time_s;
        } catch (const config::ConfigError& e) {
          row.not_run_reason = e.reason();
        } catch (const config::UsageError& e) {
          row.not_run_reason = e.what();
        }
        rows.push_back(std::move(row));
      }
    }
    for (size_t i = first; i < rows.size(); ++i)
      if (reference_s && rows[i].result && *reference_s > 0.0)
        rows[i].ratio_to_reference = rows[i].result->switch_time_s / *reference_s;
  }

  Report out;
  out.set("reference_platform", o.reference);
  out.line("Expert switch (cold load of one expert, slow tier -> fast tier), fluid max-min flow model.");
  out.line("GB = 1e9 bytes. 'x ref' = switch time / switch time on {reference_platform}.");
  out.line();
  constexpr auto right = Column::Align::right;
  Table& table = out.table(
      "rows",
      {{.header = "model", .cell = "{model}", .width = 16},
       {.header = "platform", .cell = "{platform}", .width = 22},
       {.header = "host link", .cell = "{host_link_mode}", .width = 9},
       {.header = "TP", .cell = "{tensor_parallel}", .width = 3, .align = right},
       {.header = "weights GB", .cell = "{weight_bytes/1e9:.2f}", .width = 10, .align = right},
       {.header = "switch ms", .cell = "{switch_time_s*1e3:.2f}", .width = 11, .align = right, .missing_text = "-"},
       {.header = "GB/s", .cell = "{achieved_bytes_per_s/1e9:.1f}", .width = 9, .align = right},
       {.header = "bottleneck (busy)", .cell = "{bottleneck_busy}", .width = 26, .gap = "  "},
       {.header = "x ref", .cell = "{ratio_to_reference:.2f}", .width = 7, .align = right}});
  table.blank_line_between = "model";
  table.note_replaces = "bottleneck (busy)";
  for (const Row& r : rows) {
    Report row = r.result ? switch_report(*r.result) : Report();
    if (!r.result) row.set("platform", r.platform).set("model", r.model).set("reason", r.not_run_reason);
    row.set("fits", r.result.has_value());
    row.set("ratio_to_reference",
            r.ratio_to_reference ? nlohmann::json(*r.ratio_to_reference) : nlohmann::json(nullptr));
    table.add(std::move(row), r.result ? "" : "not run: {reason}");
  }
  fmt::print("{}", o.json ? json_text(out) : out.text());
  return kExitOk;
}

int run_single(const SwitchOptions& o) {
  if (o.hw_file.empty() || o.model_file.empty()) throw config::UsageError("switch needs --hw and --model (or --all)");
  const hw::Platform platform = load_hw(o.hw_file, o.hw_overrides);
  const llm::ModelSpec model = llm::load_model(o.model_file);
  const Report out = switch_report(run_one(platform, model, o.host_link, o.tensor_parallel));
  fmt::print("{}", o.json ? json_text(out) : out.text());
  return kExitOk;
}

}  // namespace

RunFunction add_switch_command(CLI::App& app) {
  auto o = std::make_shared<SwitchOptions>();
  CLI::App* cmd = app.add_subcommand(
      "switch",
      "cold-load one expert (its weights, TP-sharded over the platform's accelerators) from the slow tier into the\n"
      "fast tier, simulated as concurrent flows; reports switch time, achieved bandwidth and the bottleneck");
  cmd->add_option("--hw", o->hw_file, "platform file (hw-configs/*.yaml)")->check(CLI::ExistingFile);
  cmd->add_option("--model", o->model_file, "model file (models/*.yaml)")->check(CLI::ExistingFile);
  cmd->add_option("--host-link", o->host_link,
                  "GPU host-link mode: 'paper' (whole expert over one host link, as in the CoE paper) or 'per-gpu'\n"
                  "(each GPU loads its shard over its own link, sharing host memory bandwidth); default: the\n"
                  "platform's default_host_link_mode. With --all: only this mode for platforms that have modes.");
  cmd->add_option("--tp", o->tensor_parallel,
                  "tensor-parallel degree (default: the platform's serving.tensor_parallel)")
      ->check(positive_number());
  cmd->add_option("--set", o->hw_overrides,
                  "override a platform field, e.g. --set links.ddr_to_hbm.bandwidth_bytes_per_s='200 GB/s'\n"
                  "(dotted path; list entries by name; repeatable)");
  cmd->add_flag("--all", o->all, "table: every shipped model x every shipped platform (and host-link mode)");
  cmd->add_option("--models", o->models, "with --all: only these models (file stem or name), in this order")
      ->delimiter(',');
  cmd->add_option("--platforms", o->platforms,
                  "with --all: only these platforms (file stem or name), in this order (default: every shipped "
                  "platform except latency-table variants, whose copies equal their base platform's)")
      ->delimiter(',');
  cmd->add_option("--reference", o->reference, "with --all: platform whose switch time is the ratio's denominator")
      ->capture_default_str();
  cmd->add_option("--hw-dir", o->hw_dir, "with --all: platform directory (default: hw-configs)");
  cmd->add_option("--model-dir", o->model_dir, "with --all: model directory (default: models)");
  cmd->add_flag("--json", o->json, "print one JSON object on stdout (units in key names)");
  return [cmd, o]() -> int {
    if (!cmd->parsed()) return -1;
    if (o->all) {
      if (!o->hw_file.empty() || !o->model_file.empty())
        throw config::UsageError(
            "--all takes every shipped model and platform; use --models/--platforms, not --hw/--model");
      return run_all(*o);
    }
    if (!o->models.empty() || !o->platforms.empty()) throw config::UsageError("--models and --platforms go with --all");
    return run_single(*o);
  };
}

}  // namespace coesim::cli
