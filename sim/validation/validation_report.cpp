#include "sim/validation/validation_report.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "sim/validation/profile_fit.h"

namespace coesim::validation {
namespace {

std::optional<double> relative(const std::optional<double>& predicted, double measured) {
  if (!predicted) return std::nullopt;
  return *predicted / measured - 1.0;
}

nlohmann::json or_null(const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); }

nlohmann::json to_json(const std::optional<ErrorStats>& e) {
  if (!e) return nullptr;
  return {{"rows", e->rows}, {"mean_abs_relative_error", e->mean_abs}, {"max_abs_relative_error", e->max_abs}};
}

}  // namespace

std::optional<double> RowResult::relative_error() const { return relative(predicted_s, source->row->latency_s); }
std::optional<double> RowResult::lomo_relative_error() const {
  return relative(lomo_predicted_s, source->row->latency_s);
}

void ErrorStats::add(double e) {
  ++rows;
  mean_abs += std::abs(e);
  max_abs = std::max(max_abs, std::abs(e));
}

void ErrorStats::finish() {
  if (rows > 0) mean_abs /= rows;
}

ValidationReport validate_cases(const MeasuredCases& cases, std::vector<std::string> datasets, bool lomo) {
  ValidationReport report;
  report.datasets = std::move(datasets);
  std::map<std::string, std::size_t> group_index;
  std::vector<std::vector<std::size_t>> members;  // predicted rows of each group
  for (const MeasuredCase& c : cases.cases()) {
    auto [it, fresh] = group_index.try_emplace(c.group, report.groups.size());
    if (fresh) {
      report.groups.push_back({c.row->hardware, c.row->framework, "", 0, 0, {}, {}, std::nullopt});
      members.emplace_back();
    }
    GroupResult& g = report.groups[it->second];
    ++g.rows;
    RowResult r{&c, std::nullopt, std::nullopt};
    if (c.predicted()) {
      r.predicted_s = c.predict_s(*c.profile);
      g.profile = c.profile->name;
      if (std::find(g.models.begin(), g.models.end(), c.row->model) == g.models.end()) g.models.push_back(c.row->model);
      members[it->second].push_back(report.rows.size());
    } else {
      ++g.skipped;
    }
    report.rows.push_back(r);
  }
  for (std::size_t gi = 0; gi < report.groups.size(); ++gi) {
    GroupResult& g = report.groups[gi];
    for (const std::size_t i : members[gi]) g.error.add(*report.rows[i].relative_error());
    g.error.finish();
    if (!lomo || g.models.size() < 2) continue;
    std::vector<const MeasuredCase*> group_cases;
    for (const std::size_t i : members[gi]) group_cases.push_back(report.rows[i].source);
    const CaseFitRows fit(group_cases);
    const std::vector<double> predicted = leave_one_model_out(fit.rows, *group_cases.front()->profile);
    ErrorStats e;
    for (std::size_t k = 0; k < members[gi].size(); ++k) {
      RowResult& r = report.rows[members[gi][k]];
      r.lomo_predicted_s = predicted[k];
      e.add(*r.lomo_relative_error());
    }
    e.finish();
    g.lomo_error = e;
  }
  return report;
}

nlohmann::json to_json(const ValidationReport& report) {
  nlohmann::json rows = nlohmann::json::array();
  for (const RowResult& r : report.rows) {
    const MeasuredRun& m = *r.source->row;
    rows.push_back({{"dataset", r.source->dataset->file},
                    {"line", m.line},
                    {"hardware", m.hardware},
                    {"devices", m.devices},
                    {"framework", m.framework},
                    {"model", m.model},
                    {"input_tokens", m.input_tokens},
                    {"output_tokens", m.output_tokens},
                    {"batch", m.batch},
                    {"measured_latency_s", m.latency_s},
                    {"predicted_latency_s", or_null(r.predicted_s)},
                    {"relative_error", or_null(r.relative_error())},
                    {"lomo_predicted_latency_s", or_null(r.lomo_predicted_s)},
                    {"lomo_relative_error", or_null(r.lomo_relative_error())},
                    {"skipped", r.source->predicted() ? nlohmann::json(nullptr) : nlohmann::json(r.source->skipped)}});
  }
  nlohmann::json groups = nlohmann::json::array();
  for (const GroupResult& g : report.groups)
    groups.push_back({{"hardware", g.hardware},
                      {"framework", g.framework},
                      {"profile", g.profile.empty() ? nlohmann::json(nullptr) : nlohmann::json(g.profile)},
                      {"rows", g.rows},
                      {"predicted", g.rows - g.skipped},
                      {"skipped", g.skipped},
                      {"models", g.models},
                      {"mean_abs_relative_error", g.error.rows ? nlohmann::json(g.error.mean_abs) : nullptr},
                      {"max_abs_relative_error", g.error.rows ? nlohmann::json(g.error.max_abs) : nullptr},
                      {"lomo", to_json(g.lomo_error)}});
  return {{"datasets", report.datasets}, {"rows", rows}, {"groups", groups}};
}

}  // namespace coesim::validation
