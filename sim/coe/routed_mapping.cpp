#include "sim/coe/routed_mapping.h"

namespace coesim::coe {

RoutedMapping map_routed_prompts(const ExpertsConfig& experts, const std::vector<std::string>& routed_categories,
                                 double budget_params) {
  RoutedMapping r;
  r.weights.assign(experts.categories.size(), 0.0);
  r.scoring_category.reserve(routed_categories.size());
  for (const std::string& c : routed_categories) {
    r.scoring_category.push_back(experts.scoring_category(c));
    r.weights[r.scoring_category.back()] += 1.0;
  }
  MappingProblem problem = experts.problem();
  problem.category_weights = r.weights;
  r.mapping = solve_mapping(problem, budget_params);
  return r;
}

}  // namespace coesim::coe
