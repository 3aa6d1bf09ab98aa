#include "sim/experiment/trace_workload.h"
#include "sim/kernel/split_mix64.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "sim/coe/category_router.h"
#include "sim/coe/expert_mapping.h"
#include "sim/coe/experts_config.h"
#include "sim/coe/router_config.h"
#include "sim/coe/routed_mapping.h"
#include "sim/config/config_error.h"
#include "sim/workload/trace_file.h"

namespace coesim::experiment {
namespace {

std::int64_t estimated_tokens(const coe::Prompt& p) { return static_cast<std::int64_t>(p.text.size() / 4); }

}  // namespace

std::size_t attached_prompt(const std::vector<coe::Prompt>& prompts, const std::vector<std::size_t>& by_length,
                            std::uint64_t seed, std::int64_t index, std::int64_t input_tokens, bool match_length) {
  const std::uint64_t r = SplitMix64(seed * 0x100000001b3ULL ^ static_cast<std::uint64_t>(index)).next();
  if (!match_length) return r % prompts.size();
  // The window of 8 prompts around the first one at least as long.
  const auto it = std::lower_bound(by_length.begin(), by_length.end(), input_tokens, [&](std::size_t i, std::int64_t t) {
    return estimated_tokens(prompts[i]) < t;
  });
  const auto at = static_cast<std::ptrdiff_t>(it - by_length.begin());
  const std::ptrdiff_t window = std::min<std::ptrdiff_t>(8, static_cast<std::ptrdiff_t>(by_length.size()));
  const std::ptrdiff_t first = std::clamp<std::ptrdiff_t>(at - window / 2, 0, static_cast<std::ptrdiff_t>(by_length.size()) - window);
  return by_length[static_cast<std::size_t>(first + static_cast<std::ptrdiff_t>(r % static_cast<std::uint64_t>(window)))];
}

std::vector<serving::Request> trace_requests(const TraceWorkload& w, const std::vector<std::string>& expert_names) {
  // Requests are built as the trace streams by; no second copy of the records.
  const auto n_experts = static_cast<int>(expert_names.size());
  std::vector<serving::Request> out;
  workload::read_trace(w.trace, [&](const workload::TraceRecord& r) {
    serving::Request q;
    q.id = static_cast<std::int64_t>(out.size());
    q.arrival_ps = seconds_to_ps_round(r.arrival_time_s);
    q.input_tokens = std::max<std::int64_t>(1, r.input_tokens);
    q.output_tokens = std::max<std::int64_t>(1, r.output_tokens);
    q.expert = r.expert;
    q.prompt_id = r.prompt_id;
    q.category = r.category;
    if (q.expert >= n_experts)
      throw config::ConfigError(w.trace.string(), 0, 0, "expert",
                                fmt::format("request {} names expert {} of {}", q.id, q.expert, n_experts));
    out.push_back(std::move(q));
    return w.max_requests == 0 || static_cast<std::int64_t>(out.size()) < w.max_requests;
  });
  if (w.prompts_file.empty()) {
    for (const serving::Request& q : out)
      if (q.expert < 0)
        throw config::ConfigError(w.trace.string(), 0, 0, "expert",
                                  fmt::format("request {} has no expert and the workload attaches no prompts", q.id));
    return out;
  }
  // Attach prompts and route them (each distinct prompt once: the router caches by id).
  const coe::PromptSet set = coe::load_prompt_set(w.prompts_file, w.prompt_fields);
  std::vector<std::size_t> by_length(set.prompts.size());
  for (std::size_t i = 0; i < by_length.size(); ++i) by_length[i] = i;
  std::stable_sort(by_length.begin(), by_length.end(), [&](std::size_t a, std::size_t b) {
    return estimated_tokens(set.prompts[a]) < estimated_tokens(set.prompts[b]);
  });
  // Route each distinct attached prompt once (a trace reuses prompts), then
  // give every request its prompt's decision.
  std::vector<std::size_t> prompt_of(out.size());
  std::vector<std::size_t> distinct;
  std::vector<int> slot(set.prompts.size(), -1);
  for (serving::Request& q : out) {
    const std::size_t p = attached_prompt(set.prompts, by_length, w.seed, q.id, q.input_tokens, w.match_input_length);
    q.prompt_id = set.prompts[p].id;
    if (slot[p] < 0) {
      slot[p] = static_cast<int>(distinct.size());
      distinct.push_back(p);
    }
    prompt_of[static_cast<std::size_t>(q.id)] = static_cast<std::size_t>(slot[p]);
  }
  std::vector<coe::Prompt> unique;
  unique.reserve(distinct.size());
  for (const std::size_t p : distinct) unique.push_back(set.prompts[p]);
  coe::CategoryRouter router = coe::CategoryRouter::from_config(coe::load_router_config(w.router_file));
  const std::vector<coe::RouteDecision> routed = router.route(unique);
  std::vector<std::string> categories(router.knn().categories());
  categories.push_back(router.knn().options().general_category);
  std::map<std::string, int> expert_of_category;
  if (w.mapping == "modulo") {
    for (std::size_t c = 0; c < categories.size(); ++c)
      expert_of_category[categories[c]] = static_cast<int>(c % static_cast<std::size_t>(n_experts));
  } else {
    const coe::ExpertsConfig ex = coe::load_experts(w.experts_file);
    std::vector<std::string> routed_categories;
    routed_categories.reserve(out.size());
    for (std::size_t i = 0; i < out.size(); ++i) routed_categories.push_back(router.knn().category_name(routed[prompt_of[i]]));
    const coe::MappingResult m =
        coe::map_routed_prompts(ex, routed_categories, w.budget_b * coe::kParamsPerBillion).mapping;
    for (const std::string& c : categories) {
      const std::string& name = ex.experts[m.assignment[ex.scoring_category(c)]].name;
      const auto it = std::find(expert_names.begin(), expert_names.end(), name);
      if (it == expert_names.end())
        throw config::ConfigError(w.experts_file.string(), 0, 0, "experts",
                                  fmt::format("the MILP chose '{}', which is not one of the experiment's experts", name));
      expert_of_category[c] = static_cast<int>(it - expert_names.begin());
    }
  }
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i].category = router.knn().category_name(routed[prompt_of[i]]);
    out[i].expert = expert_of_category.at(out[i].category);
  }
  return out;
}

}  // namespace coesim::experiment
