#pragma once
// Reading one figure out of a run's summary.json (what `coesim run` writes):
// a distribution that counted nothing keeps placeholder zeros in its
// statistics, which are no measurement, so every reader (sweep tables,
// design search, `coesim compare`) treats them as missing the same way.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace coesim::experiment {

// The value at `pointer` is a statistic of a distribution whose count is 0.
inline bool of_an_empty_distribution(const nlohmann::json& summary, const nlohmann::json::json_pointer& pointer) {
  const nlohmann::json& parent = summary.at(pointer.parent_pointer());
  return parent.is_object() && parent.contains("count") && parent.at("count").is_number() &&
         parent.at("count").get<double>() == 0;
}

// The number at `pointer` (e.g. "/summary/ttft_s/p99"), or none when it is
// null or a statistic of an empty distribution.
inline std::optional<double> summary_figure(const nlohmann::json& summary, const std::string& pointer) {
  const nlohmann::json::json_pointer p(pointer);
  if (of_an_empty_distribution(summary, p) || summary.at(p).is_null()) return std::nullopt;
  return summary.at(p).get<double>();
}

}  // namespace coesim::experiment
