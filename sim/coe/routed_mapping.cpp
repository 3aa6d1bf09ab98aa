#include "sim/coe/routed_mapping.h"

#include <stdexcept>

namespace coesim::coe {

RoutedMapping map_routed_prompts(const ExpertsConfig& experts, const std::vector<std::string>& routed_categories,
                                 double budget_params) {
  return map_routed_prompts(experts, routed_categories, std::vector<double>(routed_categories.size(), 1.0),
                            budget_params);
}

RoutedMapping map_routed_prompts(const ExpertsConfig& experts, const std::vector<std::string>& routed_categories,
                                 const std::vector<double>& counts, double budget_params) {
  if (counts.size() != routed_categories.size())
    throw std::invalid_argument("map_routed_prompts: one count per routed category");
  RoutedMapping r;
  r.weights.assign(experts.categories.size(), 0.0);
  r.scoring_category.reserve(routed_categories.size());
  for (std::size_t i = 0; i < routed_categories.size(); ++i) {
    r.scoring_category.push_back(experts.scoring_category(routed_categories[i]));
    r.weights[r.scoring_category.back()] += counts[i];
  }
  MappingProblem problem = experts.problem();
  problem.category_weights = r.weights;
  r.mapping = solve_mapping(problem, budget_params);
  return r;
}

}  // namespace coesim::coe
