#pragma once
// The figures a reader compares between runs (experiment, platform, latency
// means and percentiles, throughput, switches, bytes moved, ...), read from a
// run's summary.json, as `coesim compare` shows them side by side.
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace coesim::cli {

// How a figure reads in text; its JSON value is always the summary's, in the
// base unit its key names.
enum class FigureShown { text, count, seconds, milliseconds, gigabytes, per_second, fraction };

struct Figure {
  std::string key;      // in JSON, with its unit: ttft_p99_s, bytes_moved
  std::string label;    // in text, with the unit it is shown in: "ttft p99 (ms)"
  std::string pointer;  // where summary.json has it: /summary/ttft_s/p99
  FigureShown shown = FigureShown::count;
};

// The compared figures, in the order a table lists them.
const std::vector<Figure>& compared_figures();

// The summary.json an argument names: the file itself, or DIR/summary.json
// for a directory (a `coesim run --out` directory or a sweep point).
std::filesystem::path summary_file_of(const std::string& argument);

// {figure key: value} of a summary.json; null for a figure it does not have
// (an older summary) or a distribution of no requests. Throws
// config::ConfigError naming the file (and field) when it cannot be read, is
// not a run summary, or holds a figure of the wrong type.
nlohmann::json read_run_figures(const std::filesystem::path& summary_file);

// A figure's value as text shows it ("14.215", "62.43"); empty for null.
std::string shown_text(const Figure& f, const nlohmann::json& value);

}  // namespace coesim::cli
