#include "sim/experiment/sweep_table.h"

#include <algorithm>
#include <cstdint>
#include <variant>

#include <fmt/format.h>

#include "sim/experiment/summary_figure.h"
#include "sim/io/csv_field.h"
#include "sim/io/hdf5_column.h"
#include "sim/io/hdf5_output_file.h"
#include "sim/io/pending_file.h"

namespace coesim::experiment {
namespace {

// A summary figure: its column, unit, meaning and where summary.json holds it.
struct Metric {
  const char* column;
  const char* unit;
  const char* description;
  const char* pointer;  // JSON pointer into summary.json
  bool integer = false;
};

constexpr Metric kMetrics[] = {
    {"requests", "1", "requests in the workload", "/summary/requests", true},
    {"finished", "1", "requests that finished", "/summary/finished", true},
    {"rejected", "1", "requests rejected (reasons in the point's summary.json)", "/summary/rejected", true},
    {"makespan_s", "s", "first arrival to last token", "/summary/makespan_s"},
    {"output_tokens_per_s", "tokens/s", "output tokens over the makespan", "/summary/output_tokens_per_s"},
    {"ttft_mean_s", "s", "time to first token, mean", "/summary/ttft_s/mean"},
    {"ttft_p50_s", "s", "time to first token, median", "/summary/ttft_s/p50"},
    {"ttft_p90_s", "s", "time to first token, 90th percentile", "/summary/ttft_s/p90"},
    {"ttft_p99_s", "s", "time to first token, 99th percentile", "/summary/ttft_s/p99"},
    {"tpot_mean_s", "s", "time per output token after the first, mean", "/summary/tpot_s/mean"},
    {"tpot_p50_s", "s", "time per output token, median", "/summary/tpot_s/p50"},
    {"tpot_p99_s", "s", "time per output token, 99th percentile", "/summary/tpot_s/p99"},
    {"e2e_mean_s", "s", "arrival to last token, mean", "/summary/e2e_s/mean"},
    {"e2e_p99_s", "s", "arrival to last token, 99th percentile", "/summary/e2e_s/p99"},
    {"queueing_mean_s", "s", "waiting for an engine, mean", "/summary/queueing_s/mean"},
    {"switch_wait_mean_s", "s", "waiting for the expert's copy, mean", "/summary/switch_wait_s/mean"},
    {"switches", "1", "expert copies into the fast tier", "/summary/switches", true},
    {"evictions", "1", "experts evicted", "/summary/evictions", true},
    {"fast_tier_hit_rate", "1", "requests whose expert was resident", "/summary/fast_tier_hit_rate"},
    {"bytes_moved", "bytes", "expert bytes copied", "/summary/bytes_moved", true},
    {"preemptions", "1", "KV caches dropped or swapped out", "/summary/preemptions", true},
    {"peak_fast_tier_used_bytes_per_device", "bytes", "fast-tier peak per device",
     "/peak_fast_tier_used_bytes_per_device"},
    {"percentile_relative_error", "1", "bound on the percentiles' relative error (log histogram)",
     "/summary/percentile_relative_error"},
    {"events", "1", "simulator events", "/events", true},
};

const char* const kTraceHash = "trace_hash";

std::string column_of(const SweepSpec& sweep, std::size_t axis) {
  const bool seeds = axis + 1 == sweep.axes.size() && axis >= sweep.grid_axes + sweep.zip_axes;
  return seeds ? "seed" : sweep.axes[axis].path;
}

// The value of axis `axis` at `point`, as written in the sweep.
std::string value_at(const SweepPoint& point, std::size_t axis) {
  const std::string& a = point.assignments[axis];
  return a.substr(a.find('=') + 1);
}

// summary_figure, or none where the summary has no such figure (an older layout).
std::optional<double> figure_or_none(const nlohmann::json& summary, const char* pointer) {
  return summary.contains(nlohmann::json::json_pointer(pointer)) ? summary_figure(summary, pointer) : std::nullopt;
}

// A figure of a finished point, or none (a failed point; summary_figure's misses).
std::optional<double> figure(const SweepOutcome& o, std::size_t metric) {
  return o.figures ? o.figures->metrics[metric] : std::nullopt;
}

}  // namespace

std::optional<double> PointFigures::metric(std::string_view column) const {
  for (std::size_t m = 0; m < std::size(kMetrics); ++m)
    if (kMetrics[m].column == column) return metrics.at(m);
  throw std::logic_error(fmt::format("no sweep table column '{}'", column));
}

PointFigures point_figures(const nlohmann::json& summary) {
  PointFigures f;
  for (const Metric& m : kMetrics) f.metrics.push_back(figure_or_none(summary, m.pointer));
  f.trace_hash = summary.value(kTraceHash, "");
  f.fast_tier_capacity_bytes_per_device = summary.value("fast_tier_capacity_bytes_per_device", 0.0);
  return f;
}

std::vector<std::string> sweep_table_columns(const SweepSpec& sweep) {
  std::vector<std::string> out{"point", "point_id", "status", "error"};
  for (std::size_t i = 0; i < sweep.axes.size(); ++i) out.push_back(column_of(sweep, i));
  if (sweep.cost) out.emplace_back("cost");
  for (const Metric& m : kMetrics) out.emplace_back(m.column);
  out.emplace_back(kTraceHash);
  return out;
}

void write_sweep_table(const SweepSpec& sweep, const std::vector<SweepOutcome>& outcomes,
                       const std::filesystem::path& dir) {
  // An axis is numeric when every value is: its column holds numbers.
  std::vector<bool> numeric(sweep.axes.size(), true);
  for (std::size_t i = 0; i < sweep.axes.size(); ++i)
    for (const std::string& v : sweep.axes[i].values) numeric[i] = numeric[i] && numeric_value(v).has_value();

  std::string csv = fmt::format("{}\n", fmt::join(sweep_table_columns(sweep), ","));
  for (std::size_t p = 0; p < sweep.points.size(); ++p) {
    const SweepPoint& point = sweep.points[p];
    const SweepOutcome& o = outcomes[p];
    std::vector<std::string> row{std::to_string(point.index), point.id, o.figures ? "ok" : "failed",
                                 io::csv_field(o.error)};
    for (std::size_t i = 0; i < sweep.axes.size(); ++i)
      row.push_back(numeric[i] ? fmt::format("{}", *numeric_value(value_at(point, i)))
                               : io::csv_field(value_at(point, i)));
    if (sweep.cost) row.push_back(fmt::format("{}", point_cost(sweep, point)));
    for (std::size_t m = 0; m < std::size(kMetrics); ++m) {
      const std::optional<double> v = figure(o, m);
      row.push_back(!v                    ? ""
                    : kMetrics[m].integer ? fmt::format("{}", static_cast<std::int64_t>(*v))
                                          : fmt::format("{}", *v));
    }
    row.push_back(o.figures ? o.figures->trace_hash : "");
    csv += fmt::format("{}\n", fmt::join(row, ","));
  }
  io::PendingFile csv_file(dir / "sweep.csv");
  io::write_text(csv_file, csv);

  const std::filesystem::path h5 = dir / "sweep.h5";
  io::hdf5_writing(h5, [&] {
    io::Hdf5OutputFile file(h5);
    H5::Group& root = file.root();
    const std::size_t chunk_rows = std::clamp<std::size_t>(sweep.points.size(), 1, 65536);  // one chunk per column
    const auto column = [&](auto tag, const std::string& name, const char* unit, const std::string& description,
                            auto value_of) {
      using T = decltype(tag);
      std::vector<T> values;
      for (std::size_t p = 0; p < sweep.points.size(); ++p) values.push_back(value_of(p));
      io::Hdf5Column<T>(root, io::ColumnSpec{name, unit, description, chunk_rows}).append(values);
    };
    column(std::int64_t{}, "point", "1", "index in sweep order",
           [&](std::size_t p) { return static_cast<std::int64_t>(sweep.points[p].index); });
    column(std::string{}, "point_id", "", "the point's directory under points/",
           [&](std::size_t p) { return sweep.points[p].id; });
    column(std::string{}, "status", "", "ok, or failed (why in error)",
           [&](std::size_t p) { return std::string(outcomes[p].figures ? "ok" : "failed"); });
    column(std::string{}, "error", "", "why the point failed; empty when ok",
           [&](std::size_t p) { return outcomes[p].error; });
    for (std::size_t i = 0; i < sweep.axes.size(); ++i) {
      const std::string description = "swept setting " + sweep.axes[i].path + " as set";
      if (numeric[i])
        column(double{}, column_of(sweep, i), "base unit of the setting", description + " (number in base units)",
               [&](std::size_t p) { return *numeric_value(value_at(sweep.points[p], i)); });
      else
        column(std::string{}, column_of(sweep, i), "", description,
               [&](std::size_t p) { return value_at(sweep.points[p], i); });
    }
    if (sweep.cost)
      column(double{}, "cost", sweep.cost->unit.c_str(), "the sweep file's cost proxy (its `cost` section)",
             [&](std::size_t p) { return point_cost(sweep, sweep.points[p]); });
    for (std::size_t m = 0; m < std::size(kMetrics); ++m)
      column(double{}, kMetrics[m].column, kMetrics[m].unit,
             std::string(kMetrics[m].description) + " (NaN: failed or no sample)",
             [&](std::size_t p) { return figure(outcomes[p], m).value_or(std::nan("")); });
    column(std::string{}, kTraceHash, "", "the run's event trace hash (equal: the same run)",
           [&](std::size_t p) { return outcomes[p].figures ? outcomes[p].figures->trace_hash : std::string(); });
    file.commit();
  });
  csv_file.commit();
}

}  // namespace coesim::experiment
