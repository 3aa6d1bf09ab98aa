// `coesim compare A B ...`: runs side by side, one column per run (a
// summary.json, a `coesim run --out` directory or a sweep point directory),
// one row per figure a reader compares, each number with its ratio to the
// first run's; or --json, one object holding every run's figures and ratios.
#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "sim/cli/command.h"
#include "sim/cli/report.h"
#include "sim/cli/run_figures.h"
#include "sim/config/config_error.h"

namespace coesim::cli {
namespace {

using nlohmann::json;

struct CompareOptions {
  std::vector<std::string> runs;
  std::vector<std::string> labels;
  bool json = false;
};

struct ComparedRun {
  std::string label;
  std::filesystem::path summary_file;
  json figures;
};

// What tells a run's file apart from another's: its directory's name for a
// summary.json (the run's --out, or a sweep point's id), else its own name.
std::string file_name_of(const std::filesystem::path& summary_file) {
  const std::filesystem::path absolute = std::filesystem::absolute(summary_file).lexically_normal();
  if (absolute.filename() == "summary.json" && absolute.has_parent_path())
    return absolute.parent_path().filename().string();
  return absolute.filename().string();
}

std::string default_label(const json& figures, const std::filesystem::path& summary_file) {
  const json& experiment = figures.at("experiment");
  const json& platform = figures.at("platform");
  if (experiment.is_null()) return file_name_of(summary_file);
  if (platform.is_null()) return experiment.get<std::string>();
  return fmt::format("{} ({})", experiment.get<std::string>(), platform.get<std::string>());
}

// Column headers must tell runs apart: a default label shared by several runs
// gets its file's name, or its position where the names are shared too.
void make_labels_distinct(std::vector<ComparedRun>& runs, std::size_t given) {
  const auto count = [](const std::vector<std::string>& labels, const std::string& label) {
    return std::count(labels.begin(), labels.end(), label);
  };
  std::vector<std::string> labels;
  for (const ComparedRun& r : runs) labels.push_back(r.label);
  std::vector<std::string> named = labels;
  for (std::size_t i = given; i < runs.size(); ++i)
    if (count(labels, labels[i]) > 1) named[i] += fmt::format(" [{}]", file_name_of(runs[i].summary_file));
  for (std::size_t i = given; i < runs.size(); ++i)
    runs[i].label = count(named, named[i]) > 1 ? fmt::format("{} #{}", labels[i], i + 1) : named[i];
}

// A run's figure over the first run's; null where that is 0 or either is missing.
json ratio_to_first(const json& value, const json& first) {
  if (value.is_null() || first.is_null() || first.get<double>() == 0) return nullptr;
  return value.get<double>() / first.get<double>();
}

std::string ratio_text(const json& ratio) {
  if (ratio.is_null()) return "-";
  const double r = ratio.get<double>();
  if (r == 0 || (r >= 0.01 && r < 1e4)) return fmt::format("x{:.2f}", r);
  return fmt::format("x{:.3g}", r);
}

json run_json(const ComparedRun& run, const ComparedRun& first) {
  json out = {{"label", run.label}, {"summary_file", run.summary_file.string()}};
  json ratios = json::object();
  for (const Figure& f : compared_figures()) {
    out[f.key] = run.figures.at(f.key);
    if (f.shown != FigureShown::text) ratios[f.key] = ratio_to_first(run.figures.at(f.key), first.figures.at(f.key));
  }
  out["ratio_to_first"] = std::move(ratios);
  return out;
}

// In text, a row per figure and, per run, its value and its ratio to the
// first: renderings of the values the JSON holds under "runs".
void add_text_table(Report& out, const std::vector<ComparedRun>& runs) {
  constexpr auto right = Column::Align::right;
  std::size_t label_width = 0;
  for (const Figure& f : compared_figures()) label_width = std::max(label_width, f.label.size());
  std::vector<Column> columns = {{.header = "", .cell = "{figure}", .width = static_cast<int>(label_width)}};
  for (std::size_t i = 0; i < runs.size(); ++i) {
    std::size_t width = runs[i].label.size();
    for (const Figure& f : compared_figures()) width = std::max(width, shown_text(f, runs[i].figures.at(f.key)).size());
    columns.push_back({.header = runs[i].label,
                       .cell = fmt::format("{{values.{}}}", i),
                       .width = static_cast<int>(width),
                       .align = right,
                       .gap = "   "});
    columns.push_back({.header = "", .cell = fmt::format("{{ratios.{}}}", i), .width = 7, .align = right});
  }
  Table& table = out.table("", std::move(columns));
  for (const Figure& f : compared_figures()) {
    json values = json::array();
    json ratios = json::array();
    for (const ComparedRun& run : runs) {
      const json& value = run.figures.at(f.key);
      values.push_back(value.is_null() ? json(nullptr) : json(shown_text(f, value)));
      if (f.shown != FigureShown::text)
        ratios.push_back(ratio_text(ratio_to_first(value, runs.front().figures.at(f.key))));
    }
    Report row;
    row.text_only("figure", f.label).text_only("values", std::move(values));
    if (f.shown != FigureShown::text) row.text_only("ratios", std::move(ratios));
    table.add(std::move(row));
  }
}

// The table pads its last column; lines end at their last character.
std::string without_trailing_spaces(const std::string& text) {
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string_view line(text.data() + start, end - start);
    out += line.substr(0, line.find_last_not_of(' ') + 1);
    if (end < text.size()) out += '\n';
    start = end + 1;
  }
  return out;
}

int run(const CompareOptions& o) {
  if (o.runs.size() < 2)
    throw config::UsageError(fmt::format(
        "compare needs at least two runs (each a summary.json or a directory holding one), got {}", o.runs.size()));
  if (o.labels.size() > o.runs.size())
    throw config::UsageError(fmt::format("compare: {} --label given for {} runs", o.labels.size(), o.runs.size()));
  std::vector<ComparedRun> runs;
  for (std::size_t i = 0; i < o.runs.size(); ++i) {
    ComparedRun r;
    r.summary_file = summary_file_of(o.runs[i]);
    r.figures = read_run_figures(r.summary_file);
    r.label = i < o.labels.size() ? o.labels[i] : default_label(r.figures, r.summary_file);
    runs.push_back(std::move(r));
  }
  make_labels_distinct(runs, o.labels.size());
  json runs_json = json::array();
  for (const ComparedRun& r : runs) runs_json.push_back(run_json(r, runs.front()));
  Report out;
  out.set("runs", std::move(runs_json));
  add_text_table(out, runs);
  out.line("x: ratio to the first run ({runs.0.label}); -: missing, or the first run's value is 0");
  fmt::print("{}", o.json ? json_text(out) : without_trailing_spaces(out.text()));
  return kExitOk;
}

}  // namespace

RunFunction add_compare_command(CLI::App& app) {
  auto o = std::make_shared<CompareOptions>();
  CLI::App* cmd = app.add_subcommand(
      "compare",
      "runs side by side: latency, throughput, switches and bytes moved of each run, with ratios to the first run");
  cmd->add_option("runs", o->runs,
                  "each a run's summary.json, or a directory holding one (`coesim run --out DIR`, a sweep's "
                  "DIR/points/<id>); the first is the one ratios are to");
  cmd->add_option("--label", o->labels,
                  "column header of the run in the same position (repeat, in order; default: experiment (platform))")
      ->allow_extra_args(false);
  cmd->add_flag("--json", o->json, "print one JSON object: every run's figures and ratios to the first");
  return [cmd, o]() -> int { return cmd->parsed() ? run(*o) : -1; };
}

}  // namespace coesim::cli
