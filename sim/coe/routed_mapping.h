#pragma once
// The category-to-expert MILP for a routed prompt mix: each prompt's router
// category is scored as its experts-file category (itself, or through
// category_map), the categories are weighted by their share of the prompts,
// and the mapping is solved at the budget. `coesim route --experts` and the
// trace workload both use it, so a prompt gets the same expert either way.
#include <cstddef>
#include <string>
#include <vector>

#include "sim/coe/expert_mapping.h"
#include "sim/coe/experts_config.h"

namespace coesim::coe {

struct RoutedMapping {
  MappingResult mapping;
  std::vector<double> weights;                // prompts per experts-file category
  std::vector<std::size_t> scoring_category;  // per prompt, index into the experts file's categories

  // The expert (index into the experts file) serving a prompt.
  std::size_t expert_of_prompt(std::size_t prompt) const { return mapping.assignment[scoring_category[prompt]]; }
};

// `routed_categories`: the router's category name for each prompt. Throws
// config::UsageError for a category the experts file cannot score, and
// InfeasibleBudget below the smallest expert.
RoutedMapping map_routed_prompts(const ExpertsConfig& experts, const std::vector<std::string>& routed_categories,
                                 double budget_params);
// The same with each entry standing for `counts[i]` prompts (a trace that
// reuses prompts): the same weights, without a row per request.
RoutedMapping map_routed_prompts(const ExpertsConfig& experts, const std::vector<std::string>& routed_categories,
                                 const std::vector<double>& counts, double budget_params);

}  // namespace coesim::coe
