#include "sim/experiment/sweep_spec.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

#include "sim/config/config_error.h"
#include "sim/config/field_builders.h"
#include "sim/config/quantity.h"
#include "sim/config/section.h"
#include "sim/experiment/experiment.h"
#include "sim/io/sha256.h"

namespace coesim::experiment {
namespace {

using namespace config;

// A stated bound: a sweep's points are listed in memory and each gets a
// directory; past this, split the sweep.
constexpr std::size_t kMaxPoints = 1'000'000;

const Schema& range_schema() {
  static const Schema s{
      "range",
      "evenly spaced values from `from` to `to` (both included), in base units",
      {required(field("from", FieldKind::String, "first value: a number, or one with a unit (\"100 GB/s\")")),
       required(field("to", FieldKind::String, "last value, in the same units")),
       required(at_most(at_least(field("steps", FieldKind::Integer, "number of values, at least 2"), 2), 100000)),
       with_default(
           one_of(field("scale", FieldKind::String, "linear: equal differences; log: equal ratios"), {"linear", "log"}),
           "linear")}};
  return s;
}

const Schema& axis_schema() {
  static const Schema s{
      "axis",
      "one setting and its values",
      {required(field("path", FieldKind::String,
                      "the setting, as --set takes it: an experiment field (scheduler.batch_size), a platform field "
                      "(platform.links.ddr_to_hbm.bandwidth_bytes_per_s) or a model field (model.max_context_tokens)")),
       field("values", FieldKind::StringList,
             "its values, as --set would take them (\"2 TB/s\", 8, hw-configs/x.yaml)"),
       nested("range", FieldKind::Map, range_schema(), "or a range of numbers instead of `values`")}};
  return s;
}

const Schema& cost_term_schema() {
  static const Schema s{
      "term",
      "the price of one swept setting",
      {required(field("path", FieldKind::String, "a swept setting (an axis path)")),
       field("per", FieldKind::String, "numeric settings: the amount the price is for (\"1 GB/s\", \"1 GB\")"),
       field("price", FieldKind::Number, "numeric settings: the price of `per`"),
       field("prices", FieldKind::StringMap, "text settings (a platform file): the price of each value"),
       required(field("source", FieldKind::String, "where the prices come from"))}};
  return s;
}

const Schema& cost_schema() {
  static const Schema s{"cost",
                        "a cost proxy for `coesim search design`: fixed + the sum of the terms",
                        {required(field("unit", FieldKind::String, "what a cost is counted in (USD, relative, ...)")),
                         with_default(field("fixed", FieldKind::Number, "added to every point"), "0"),
                         nested("terms", FieldKind::List, cost_term_schema(), "one per priced setting"),
                         field("source", FieldKind::String, "where the fixed part comes from")}};
  return s;
}

const Schema& build() {
  static const Schema s{
      "sweep",
      "many runs of one experiment (coesim sweep FILE)",
      {required(field("name", FieldKind::String, "sweep name")), field("description", FieldKind::String, "one line"),
       required(field("experiment", FieldKind::String, "the base experiment file, relative to this file")),
       field("set", FieldKind::StringList,
             "settings every point takes, \"path=value\" as --set (relative file paths: from this file)"),
       nested("grid", FieldKind::List, axis_schema(), "axes whose values combine with every value of the others"),
       nested("zip", FieldKind::List, axis_schema(), "axes of equal length whose values go together"),
       field("seeds", FieldKind::StringList, "replicates: each point once per seed, innermost"),
       with_default(field("seed_path", FieldKind::String, "the setting the seeds go to"), "workload.seed"),
       with_default(field("results_h5", FieldKind::Bool, "also write each point's results.h5"), "false"),
       nested("cost", FieldKind::Map, cost_schema(),
              "a cost proxy per point (a `cost` column; coesim search design)")}};
  return s;
}

// `from` to `to` in `steps`, as shortest round-trip numbers.
std::vector<std::string> range_values(const Section& range) {
  const auto parse = [&](const char* field) {
    const std::optional<double> v = numeric_value(range.text(field));
    if (!v) range.fail(field, fmt::format("'{}' is not a number (with or without a unit)", range.text(field)));
    return *v;
  };
  const double from = parse("from"), to = parse("to");
  const auto steps = range.integer("steps");
  const bool log = range.text("scale") == "log";
  if (log && !(from > 0 && to > 0)) range.fail("scale", "a log range needs from and to > 0");
  std::vector<std::string> out;
  for (std::int64_t k = 0; k < steps; ++k) {
    const double f = static_cast<double>(k) / static_cast<double>(steps - 1);
    double v = log ? from * std::pow(to / from, f) : from + (to - from) * f;
    if (k == steps - 1) v = to;  // exactly the end written
    out.push_back(fmt::format("{}", v));
  }
  return out;
}

SweepAxis axis_of(const Section& a) {
  SweepAxis axis{a.text("path"), {}};
  if (a.has("values") == a.has("range")) a.fail("path", "give `values` or `range` (one of them)");
  if (a.has("values")) {
    axis.values = a.strings("values");
    if (axis.values.empty()) a.fail("values", "empty: an axis needs at least one value");
  } else {
    axis.values = range_values(a.child("range"));
  }
  return axis;
}

// Where the sweep file wrote value k of an axis: its list entry, or the range.
Location value_location(const Section& axis, std::size_t k) {
  Location at = axis.location(axis.has("values") ? "values" : "range");
  if (axis.has("values")) {
    const YAML::Node v = axis.node("values")[k];
    if (v.Mark().line >= 0) {
      at.line = v.Mark().line + 1;
      at.column = v.Mark().column + 1;
    }
    at.field += fmt::format("[{}]", k);
  }
  return at;
}

CostModel cost_model(const Section& c, const SweepSpec& sweep) {
  CostModel m{c.text("unit"), c.number("fixed"), {}, c.has("source") ? c.text("source") : ""};
  if (!c.has("terms")) return m;
  for (const Section& t : c.items("terms")) {
    CostTerm term;
    const std::string path = t.text("path");
    const auto axis =
        std::find_if(sweep.axes.begin(), sweep.axes.end(), [&](const SweepAxis& a) { return a.path == path; });
    if (axis == sweep.axes.end()) t.fail("path", fmt::format("'{}' is not swept: price a swept setting", path));
    term.axis = static_cast<std::size_t>(axis - sweep.axes.begin());
    term.source = t.text("source");
    if (t.has("prices")) {
      if (t.has("per") || t.has("price")) t.fail("prices", "give `prices` (text settings) or `per` and `price`");
      for (const auto& [value, price] : t.string_map("prices")) {
        const std::optional<double> v = numeric_value(price);
        if (!v) t.fail("prices", fmt::format("the price of '{}' is not a number: '{}'", value, price));
        term.prices[value] = *v;
      }
      for (const std::string& v : axis->values)
        if (!term.prices.contains(v)) t.fail("prices", fmt::format("no price for '{}', a value of {}", v, path));
    } else {
      if (!t.has("per") || !t.has("price")) t.fail("path", "a numeric setting needs `per` and `price`");
      const std::optional<double> per = numeric_value(t.text("per"));
      if (!per || !(*per > 0)) t.fail("per", fmt::format("'{}' is not a positive amount", t.text("per")));
      term.per = *per;
      term.price = t.number("price");
      for (const std::string& v : axis->values)
        if (!numeric_value(v)) t.fail("path", fmt::format("'{}' of {} is not a number: use `prices`", v, path));
    }
    m.terms.push_back(std::move(term));
  }
  return m;
}

}  // namespace

double point_cost(const SweepSpec& sweep, const SweepPoint& point) {
  const CostModel& m = sweep.cost.value();
  double cost = m.fixed;
  for (const CostTerm& t : m.terms) {
    const std::string& a = point.assignments.at(t.axis);
    const std::string value = a.substr(a.find('=') + 1);
    cost += t.prices.empty() ? t.price * numeric_value(value).value() / t.per : t.prices.at(value);
  }
  return cost;
}

const config::Schema& sweep_schema() { return build(); }

std::optional<double> numeric_value(const std::string& text) {
  for (const Unit unit : {Unit::None, Unit::Bytes, Unit::BytesPerS, Unit::Seconds, Unit::FlopsPerS}) {
    try {
      return parse_quantity(text, unit);
    } catch (const std::invalid_argument&) {
    }
  }
  return std::nullopt;
}

PointConfig point_config(const SweepSpec& sweep, const SweepPoint& point) {
  PointConfig c{ConfigDoc::load(sweep.experiment), {}, {}};
  ExperimentOverrides below;
  add_overrides(c.doc, below, sweep.fixed, sweep.file);
  add_overrides(c.doc, below, point.assignments, sweep.file);
  c.platform_overrides = std::move(below.platform);
  c.model_overrides = std::move(below.model);
  return c;
}

std::vector<std::string> point_sets(const SweepSpec& sweep, const SweepPoint& point) {
  const std::filesystem::path dir = std::filesystem::path(sweep.file).parent_path();
  std::vector<std::string> out;
  for (const std::vector<std::string>* list : {&sweep.fixed, &point.assignments})
    for (const std::string& a : *list) {
      const std::size_t eq = a.find('=');
      const std::filesystem::path value = a.substr(eq + 1);
      std::error_code ec;
      const bool a_file = eq != std::string::npos && value.is_relative() && !value.empty() &&
                          std::filesystem::is_regular_file(dir / value, ec);
      out.push_back(a_file ? a.substr(0, eq + 1) + (dir / value).lexically_normal().string() : a);
    }
  return out;
}

std::string point_command_line(const SweepSpec& sweep, const SweepPoint& point) {
  std::string out = "coesim run " + sweep.experiment.string();
  for (const std::string& a : point_sets(sweep, point)) out += fmt::format(" --set '{}'", a);
  return out + fmt::format("  # point {} of sweep {} ({})", point.id, sweep.name, sweep.file);
}

SweepSpec load_sweep(const std::filesystem::path& file, bool check_values) {
  const ConfigDoc doc = ConfigDoc::load(file);
  const Section s(doc, sweep_schema());
  SweepSpec sweep;
  sweep.name = s.text("name");
  if (s.has("description")) sweep.description = s.text("description");
  sweep.file = file.string();
  sweep.experiment = s.existing_file("experiment");
  if (s.has("set")) {
    sweep.fixed = s.strings("set");
    for (std::size_t k = 0; k < sweep.fixed.size(); ++k)
      if (sweep.fixed[k].find('=') == std::string::npos)
        s.fail("set", fmt::format("'{}' is not of the form path=value", sweep.fixed[k]));
  }
  sweep.results_h5 = s.flag("results_h5");
  std::vector<Section> axis_sections;
  for (const char* block : {"grid", "zip"}) {
    if (!s.has(block)) continue;
    for (const Section& a : s.items(block)) {
      sweep.axes.push_back(axis_of(a));
      axis_sections.push_back(a);
    }
    (std::string(block) == "grid" ? sweep.grid_axes : sweep.zip_axes) = s.items(block).size();
  }
  if (sweep.zip_axes > 0) {
    const std::size_t n = sweep.axes[sweep.grid_axes].values.size();
    for (std::size_t i = sweep.grid_axes; i < sweep.axes.size(); ++i)
      if (sweep.axes[i].values.size() != n)
        axis_sections[i].fail(
            "path", fmt::format("zip axes go together, so they need equal lengths: '{}' has {} "
                                "values, '{}' has {}",
                                sweep.axes[sweep.grid_axes].path, n, sweep.axes[i].path, sweep.axes[i].values.size()));
  }
  if (s.has("seeds")) {
    SweepAxis seeds{s.text("seed_path"), s.strings("seeds")};
    if (seeds.values.empty()) s.fail("seeds", "empty: give at least one seed, or leave seeds out");
    sweep.axes.push_back(std::move(seeds));
  } else if (s.has("seed_path")) {
    s.fail("seed_path", "seed_path without seeds would be ignored");
  }
  if (sweep.axes.empty()) s.fail("grid", "a sweep needs at least one axis (grid, zip or seeds)");
  std::set<std::string> paths;
  for (std::size_t i = 0; i < sweep.axes.size(); ++i)
    if (!paths.insert(sweep.axes[i].path).second) {
      const std::string message = fmt::format("'{}' is swept twice", sweep.axes[i].path);
      if (i < axis_sections.size()) axis_sections[i].fail("path", message);
      s.fail("seed_path", message);
    }

  // What to check on the base: the fixed settings, then every value of
  // every axis alone on them.
  if (!sweep.fixed.empty()) sweep.value_checks.push_back({sweep.fixed.front(), s.location("set")});
  for (std::size_t i = 0; i < sweep.axes.size(); ++i)
    for (std::size_t k = 0; k < sweep.axes[i].values.size(); ++k)
      sweep.value_checks.push_back(
          {sweep.axes[i].path + "=" + sweep.axes[i].values[k],
           i < axis_sections.size() ? value_location(axis_sections[i], k) : s.location("seeds")});

  if (s.has("cost")) sweep.cost = cost_model(s.child("cost"), sweep);

  // Points: grid (last axis fastest), then the zip block, then seeds.
  std::vector<std::size_t> extents;
  for (std::size_t i = 0; i < sweep.grid_axes; ++i) extents.push_back(sweep.axes[i].values.size());
  if (sweep.zip_axes > 0) extents.push_back(sweep.axes[sweep.grid_axes].values.size());
  const bool has_seeds = sweep.axes.size() > sweep.grid_axes + sweep.zip_axes;
  if (has_seeds) extents.push_back(sweep.axes.back().values.size());
  std::size_t total = 1;
  for (const std::size_t e : extents) {
    if (total > kMaxPoints / e)
      s.fail("grid", fmt::format("more than {} points: split the sweep into several files", kMaxPoints));
    total *= e;
  }
  std::set<std::string> ids;
  for (std::size_t index = 0; index < total; ++index) {
    std::vector<std::size_t> digit(extents.size());
    std::size_t rest = index;
    for (std::size_t d = extents.size(); d-- > 0;) {
      digit[d] = rest % extents[d];
      rest /= extents[d];
    }
    SweepPoint p;
    p.index = index;
    for (std::size_t i = 0; i < sweep.grid_axes; ++i)
      p.assignments.push_back(sweep.axes[i].path + "=" + sweep.axes[i].values[digit[i]]);
    for (std::size_t i = sweep.grid_axes; i < sweep.grid_axes + sweep.zip_axes; ++i)
      p.assignments.push_back(sweep.axes[i].path + "=" + sweep.axes[i].values[digit[sweep.grid_axes]]);
    if (has_seeds) p.assignments.push_back(sweep.axes.back().path + "=" + sweep.axes.back().values[digit.back()]);
    std::string canonical;  // what the point is: the fixed settings and its own
    for (const std::string& a : sweep.fixed) canonical += "set " + a + "\n";
    for (const std::string& a : p.assignments) canonical += a + "\n";
    p.id = io::sha256_text(canonical).substr(0, 12);
    if (!ids.insert(p.id).second)
      s.fail("grid", fmt::format("two points have the same settings ({}): a value is listed twice", canonical));
    sweep.points.push_back(std::move(p));
  }
  if (check_values)
    if (const std::optional<std::size_t> k = first_refused_value(sweep)) throw_refused_value(sweep, *k);
  return sweep;
}

namespace {

// The base experiment with the fixed settings and one assignment, loaded:
// throws what the setting refuses.
void load_on_base(const SweepSpec& sweep, const std::string& assignment) {
  PointConfig c = point_config(sweep, SweepPoint{0, "", {assignment}});
  load_experiment(c.doc, {c.platform_overrides, c.model_overrides});
}

}  // namespace

std::optional<std::size_t> first_refused_value(const SweepSpec& sweep, std::size_t share, std::size_t shares) {
  for (std::size_t k = share; k < sweep.value_checks.size(); k += shares) try {
      load_on_base(sweep, sweep.value_checks[k].assignment);
    } catch (...) {  // any kind: this may run on a thread, which must not end by an exception
      return k;
    }
  return std::nullopt;
}

void throw_refused_value(const SweepSpec& sweep, std::size_t k) {
  const ValueCheck& check = sweep.value_checks.at(k);
  try {
    load_on_base(sweep, check.assignment);
  } catch (const std::exception& e) {
    const Location& at = check.where;
    throw ConfigError(
        at.file, at.line, at.column, at.field,
        fmt::format("'{}' does not load on {}: {}", check.assignment, sweep.experiment.string(), e.what()));
  }
  throw std::logic_error(fmt::format("sweep value check {} ('{}') loads after all", k, check.assignment));
}

}  // namespace coesim::experiment
