// Fuzz target: experts files (sim/coe/experts_config.h), the input of the
// expert-mapping MILP. The bytes are written as workloads/coe/fuzz-input.yaml
// in the fuzz sandbox, where the shipped files' model paths resolve, and
// loaded; then, as `coesim map` does, the problem is built and checked, and
// when it is small enough to solve in milliseconds, solved with CBC at a
// budget between the smallest expert and all of them.
#include <cstddef>
#include <cstdint>

#include "sim/coe/expert_mapping.h"
#include "sim/coe/experts_config.h"
#include "sim/config/config_doc.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

constexpr std::size_t kMaxSolvedExperts = 8;
constexpr std::size_t kMaxSolvedCategories = 16;

void map_experts(const coesim::coe::ExpertsConfig& experts) {
  using namespace coesim::coe;
  for (const auto& [router_category, category] : experts.category_map) experts.scoring_category(router_category);
  const MappingProblem problem = experts.problem();
  validate(problem);
  const double smallest = smallest_feasible_budget(problem);
  if (problem.experts.size() > kMaxSolvedExperts || problem.categories.size() > kMaxSolvedCategories) return;
  double all = 0;
  for (const MappingExpert& e : problem.experts) all += e.params;
  solve_mapping(problem, smallest + (all - smallest) / 2);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace coesim;
  const auto file = fuzz::write_in_sandbox("workloads/coe/fuzz-input.yaml", fuzz::as_text(data, size));
  fuzz::expect_clean_failure([&] { map_experts(coe::load_experts(config::ConfigDoc::load(file))); });
  return 0;
}
