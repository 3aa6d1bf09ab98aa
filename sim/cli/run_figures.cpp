#include "sim/cli/run_figures.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "sim/config/config_error.h"
#include "sim/experiment/summary_figure.h"

namespace coesim::cli {
namespace {

using config::ConfigError;
using nlohmann::json;

// ttft_s -> ttft mean, p50 and p99, shown in ms.
void add_distribution(std::vector<Figure>& figures, const std::string& name, const std::string& label) {
  for (const char* statistic : {"mean", "p50", "p99"})
    figures.push_back({fmt::format("{}_{}_s", name, statistic), fmt::format("{} {} (ms)", label, statistic),
                       fmt::format("/summary/{}_s/{}", name, statistic), FigureShown::milliseconds});
}

std::vector<Figure> make_figures() {
  using enum FigureShown;
  std::vector<Figure> f = {
      {"experiment", "experiment", "/experiment", text},
      {"platform", "platform", "/platform", text},
      {"scheduler", "scheduler", "/scheduler", text},
      {"requests", "requests", "/summary/requests", count},
      {"finished", "finished", "/summary/finished", count},
      {"rejected", "rejected", "/summary/rejected", count},
      {"makespan_s", "makespan (s)", "/summary/makespan_s", seconds},
      {"output_tokens_per_s", "output tokens/s", "/summary/output_tokens_per_s", per_second},
  };
  add_distribution(f, "ttft", "ttft");
  add_distribution(f, "tpot", "tpot");
  add_distribution(f, "e2e", "end-to-end");
  add_distribution(f, "queueing", "queueing");
  add_distribution(f, "switch_wait", "switch wait");
  const std::vector<Figure> rest = {
      {"switches", "switches", "/summary/switches", count},
      {"evictions", "evictions", "/summary/evictions", count},
      {"fast_tier_hit_rate", "fast-tier hit rate", "/summary/fast_tier_hit_rate", fraction},
      {"bytes_moved", "bytes moved (GB)", "/summary/bytes_moved", gigabytes},
      {"preemptions", "preemptions", "/summary/preemptions", count},
      {"peak_fast_tier_used_bytes_per_device", "peak fast tier/device (GB)", "/peak_fast_tier_used_bytes_per_device",
       gigabytes},
      {"events", "events", "/events", count},
      {"trace_hash", "trace hash", "/trace_hash", text},
  };
  f.insert(f.end(), rest.begin(), rest.end());
  return f;
}

std::string field_of(const std::string& pointer) {
  std::string field = pointer.substr(1);
  std::replace(field.begin(), field.end(), '/', '.');
  return field;
}

json figure_value(const json& summary, const Figure& f, const std::string& file) {
  const json::json_pointer p(f.pointer);
  for (json::json_pointer up = p.parent_pointer(); !up.empty(); up = up.parent_pointer())
    if (summary.contains(up) && !summary.at(up).is_object())
      throw ConfigError(file, 0, 0, field_of(up.to_string()), "expected an object");
  if (!summary.contains(p) || summary.at(p).is_null()) return nullptr;
  const json& v = summary.at(p);
  if (f.shown == FigureShown::text) {
    if (!v.is_string()) throw ConfigError(file, 0, 0, field_of(f.pointer), "expected text");
    return v;
  }
  if (!v.is_number()) throw ConfigError(file, 0, 0, field_of(f.pointer), "expected a number");
  if (experiment::of_an_empty_distribution(summary, p)) return nullptr;
  return v;
}

}  // namespace

const std::vector<Figure>& compared_figures() {
  static const std::vector<Figure> figures = make_figures();
  return figures;
}

std::filesystem::path summary_file_of(const std::string& argument) {
  const std::filesystem::path path(argument);
  std::error_code ec;
  if (!std::filesystem::is_directory(path, ec)) return path;
  const std::filesystem::path file = path / "summary.json";
  if (std::filesystem::exists(file, ec)) return file;
  const bool a_sweep = std::filesystem::is_directory(path / "points", ec);
  throw ConfigError(file.string(), 0, 0, "",
                    a_sweep ? fmt::format("no such file: {} is a sweep directory; compare its points ({}/points/<id>)",
                                          argument, argument)
                            : fmt::format("no such file: {} is not a `coesim run --out` directory", argument));
}

json read_run_figures(const std::filesystem::path& summary_file) {
  const std::string file = summary_file.string();
  std::error_code ec;
  if (!std::filesystem::exists(summary_file, ec)) throw ConfigError(file, 0, 0, "", "no such file");
  std::ifstream in(summary_file, std::ios::binary);
  if (!in) throw ConfigError(file, 0, 0, "", "cannot open file");
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) throw ConfigError(file, 0, 0, "", "cannot read file");
  json summary;
  try {
    summary = json::parse(buffer.str());
  } catch (const json::exception& e) {
    throw ConfigError(file, 0, 0, "", fmt::format("not JSON: {}", e.what()));
  }
  if (!summary.is_object() || !summary.contains("summary") || !summary.at("summary").is_object())
    throw ConfigError(file, 0, 0, summary.is_object() ? "summary" : "",
                      "not a summary.json of coesim run (no 'summary' object)");
  json figures = json::object();
  for (const Figure& f : compared_figures()) figures[f.key] = figure_value(summary, f, file);
  return figures;
}

std::string shown_text(const Figure& f, const json& value) {
  if (value.is_null()) return {};
  switch (f.shown) {
    case FigureShown::text:
      return value.get<std::string>();
    case FigureShown::count:
      return value.is_number_integer() ? value.dump() : fmt::format("{:.0f}", value.get<double>());
    case FigureShown::seconds:
      return fmt::format("{:.3f}", value.get<double>());
    case FigureShown::milliseconds:
      return fmt::format("{:.3f}", value.get<double>() * 1e3);
    case FigureShown::gigabytes:
      return fmt::format("{:.2f}", value.get<double>() / 1e9);
    case FigureShown::per_second:
      return fmt::format("{:.1f}", value.get<double>());
    case FigureShown::fraction:
      return fmt::format("{:.3f}", value.get<double>());
  }
  return {};
}

}  // namespace coesim::cli
