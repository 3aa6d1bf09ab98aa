#pragma once
// A sweep file: a base experiment and the settings to vary, as `--set` paths
// (experiment fields, platform.PATH, model.PATH). `grid` axes combine every
// value with every other; `zip` axes advance together (equal lengths); seeds
// are replicates, innermost. Each point is the list of assignments that make
// it, with a stable id from them, so a rerun finds the points it finished.
// Every axis value is checked against the base experiment when the file is
// loaded: an unknown path or a value the setting refuses is an error at its
// line, before any point runs.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/config/config_doc.h"
#include "sim/config/schema.h"
#include "sim/config/section.h"

namespace coesim::experiment {

struct SweepAxis {
  std::string path;                 // as --set takes it
  std::vector<std::string> values;  // YAML scalars as text (a range: numbers in base units)
};

struct SweepPoint {
  std::size_t index = 0;                 // in sweep order: grid (last axis fastest), zip, then seed
  std::string id;                        // 12 hex digits of sha256 over the fixed settings and `assignments`
  std::vector<std::string> assignments;  // "path=value", axis order; the fixed `set` ones are not listed
};

// A cost proxy for design search: `fixed` plus, per term, the price of one
// `per` of a numeric swept setting, or a price per value of a text one (a
// platform file). Declared in the sweep file with its sources, so a reader
// sees the formula; the table gets a `cost` column.
struct CostTerm {
  std::size_t axis = 0;                  // into SweepSpec::axes
  double per = 1;                        // numeric: the price is for this much (base units)
  double price = 0;                      // numeric: per `per`
  std::map<std::string, double> prices;  // text: price per value
  std::string source;
};

struct CostModel {
  std::string unit;
  double fixed = 0;
  std::vector<CostTerm> terms;
  std::string source;
};

// A value the loader loads on the base experiment: the assignment and where
// the sweep file wrote it.
struct ValueCheck {
  std::string assignment;  // path=value
  config::Location where;
};

struct SweepSpec {
  std::string name;
  std::string description;
  std::string file;                  // the sweep file
  std::filesystem::path experiment;  // the base experiment file
  std::vector<std::string> fixed;    // `set`: "path=value" applied to every point first
  std::vector<SweepAxis> axes;       // grid axes, then zip axes, then seeds (if any)
  std::size_t grid_axes = 0;         // the first grid_axes of `axes`
  std::size_t zip_axes = 0;          // then zip_axes zipped ones
  bool results_h5 = false;           // also write each point's results.h5
  std::optional<CostModel> cost;
  std::vector<SweepPoint> points;
  std::vector<ValueCheck> value_checks;  // the fixed settings (if any), then each axis value
};

// The sweep file's schema, for `coesim schema sweep` and the loader.
const config::Schema& sweep_schema();

// Loads, expands and checks a sweep (see the file comment). Throws
// config::ConfigError naming the sweep file, line and field; the values
// are checked last, so the first error is the same whoever checks them.
// Without `check_values` the values are not loaded on the base: the caller
// checks them in shares (`coesim sweep`, on its threads and ranks).
SweepSpec load_sweep(const std::filesystem::path& file, bool check_values = true);

// Loads value_checks[k] on the base for k = share, share + shares, ...
// (one share of the work); the first k the base refuses, or none.
std::optional<std::size_t> first_refused_value(const SweepSpec& sweep, std::size_t share = 0, std::size_t shares = 1);
// Throws value check k's config::ConfigError: its file and line, and why
// the setting refuses it (an exception of another kind than std::exception
// as it is; std::logic_error if the value loads after all).
[[noreturn]] void throw_refused_value(const SweepSpec& sweep, std::size_t k);

// The base experiment with the fixed settings and the point's assignments,
// as `coesim run BASE --set ...` would load it; `source` names where the
// assignments came from in messages and resolves their relative paths.
struct PointConfig {
  config::ConfigDoc doc;
  std::vector<std::string> platform_overrides, model_overrides;
};
PointConfig point_config(const SweepSpec& sweep, const SweepPoint& point);

// The point's assignments (the fixed ones, then its own) as `coesim run
// --set` takes them from the current directory: a value naming a file
// relative to the sweep file is given relative to here, as the sweep's
// experiment path is.
std::vector<std::string> point_sets(const SweepSpec& sweep, const SweepPoint& point);

// How to make one point again from the command line.
std::string point_command_line(const SweepSpec& sweep, const SweepPoint& point);

// The point's cost under the sweep's cost model (which must exist).
double point_cost(const SweepSpec& sweep, const SweepPoint& point);

// A value as a number in base units (bytes, s, bytes/s, FLOP/s): a plain
// number, or one with a unit suffix; none for other text.
std::optional<double> numeric_value(const std::string& text);

}  // namespace coesim::experiment
