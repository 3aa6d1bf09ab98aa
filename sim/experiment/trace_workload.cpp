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

void clamp_tokens(serving::Request& q) {
  q.input_tokens = std::max<std::int64_t>(1, q.input_tokens);
  q.output_tokens = std::max<std::int64_t>(1, q.output_tokens);
}

}  // namespace

std::size_t attached_prompt(const std::vector<coe::Prompt>& prompts, const std::vector<std::size_t>& by_length,
                            std::uint64_t seed, std::int64_t index, std::int64_t input_tokens, bool match_length) {
  const std::uint64_t r = SplitMix64(seed * 0x100000001b3ULL ^ static_cast<std::uint64_t>(index)).next();
  if (!match_length) return r % prompts.size();
  // The window of 8 prompts around the first one at least as long.
  const auto it = std::lower_bound(by_length.begin(), by_length.end(), input_tokens,
                                   [&](std::size_t i, std::int64_t t) { return estimated_tokens(prompts[i]) < t; });
  const auto at = static_cast<std::ptrdiff_t>(it - by_length.begin());
  const std::ptrdiff_t window = std::min<std::ptrdiff_t>(8, static_cast<std::ptrdiff_t>(by_length.size()));
  const std::ptrdiff_t first =
      std::clamp<std::ptrdiff_t>(at - window / 2, 0, static_cast<std::ptrdiff_t>(by_length.size()) - window);
  return by_length[static_cast<std::size_t>(first +
                                            static_cast<std::ptrdiff_t>(r % static_cast<std::uint64_t>(window)))];
}

TraceRequests::TraceRequests(const TraceWorkload& w, const std::vector<std::string>& expert_names)
    : w_(w), experts_(static_cast<int>(expert_names.size())) {
  std::vector<double> uses;  // requests per prompt
  if (!w.prompts_file.empty()) {
    prompts_ = coe::load_prompt_set(w.prompts_file, w.prompt_fields).prompts;
    by_length_.resize(prompts_.size());
    for (std::size_t i = 0; i < by_length_.size(); ++i) by_length_[i] = i;
    std::stable_sort(by_length_.begin(), by_length_.end(), [&](std::size_t a, std::size_t b) {
      return estimated_tokens(prompts_[a]) < estimated_tokens(prompts_[b]);
    });
    uses.assign(prompts_.size(), 0.0);
  }
  // First pass: check every row, count clamped token counts and the uses of each prompt.
  for_each_row([&](serving::Request& q) {
    ++requests_;
    if (q.input_tokens < 1) ++zero_input_;
    if (q.output_tokens < 1) ++zero_output_;
    clamp_tokens(q);
    if (prompts_.empty()) {
      if (q.expert < 0)
        throw config::ConfigError(w.trace.string(), 0, 0, "expert",
                                  fmt::format("request {} has no expert and the workload attaches no prompts", q.id));
      return;
    }
    uses[attached_prompt(prompts_, by_length_, w.seed, q.id, q.input_tokens, w.match_input_length)] += 1;
  });
  if (prompts_.empty()) return;
  // Route each prompt the trace uses once (a trace reuses prompts).
  std::vector<coe::Prompt> used;
  std::vector<double> counts;
  for (std::size_t p = 0; p < prompts_.size(); ++p)
    if (uses[p] > 0) {
      used.push_back(prompts_[p]);
      counts.push_back(uses[p]);
    }
  coe::CategoryRouter router = coe::CategoryRouter::from_config(coe::load_router_config(w.router_file));
  const std::vector<coe::RouteDecision> routed = router.route(used);
  category_of_prompt_.assign(prompts_.size(), "");
  std::vector<std::string> used_categories;
  for (std::size_t i = 0, p = 0; p < prompts_.size(); ++p)
    if (uses[p] > 0) used_categories.push_back(category_of_prompt_[p] = router.knn().category_name(routed[i++]));
  std::vector<std::string> categories(router.knn().categories());
  categories.push_back(router.knn().options().general_category);
  if (w.mapping == "modulo") {
    for (std::size_t c = 0; c < categories.size(); ++c)
      expert_of_category_[categories[c]] = static_cast<int>(c % static_cast<std::size_t>(experts_));
    return;
  }
  const coe::ExpertsConfig ex = coe::load_experts(w.experts_file);
  const coe::MappingResult m =
      coe::map_routed_prompts(ex, used_categories, counts, w.budget_b * coe::kParamsPerBillion).mapping;
  for (const std::string& c : categories) {
    const std::string& name = ex.experts[m.assignment[ex.scoring_category(c)]].name;
    const auto it = std::find(expert_names.begin(), expert_names.end(), name);
    if (it == expert_names.end())
      throw config::ConfigError(w.experts_file.string(), 0, 0, "experts",
                                fmt::format("the MILP chose '{}', which is not one of the experiment's experts", name));
    expert_of_category_[c] = static_cast<int>(it - expert_names.begin());
  }
}

void TraceRequests::for_each_row(const std::function<void(serving::Request&)>& visit) const {
  std::int64_t index = 0;
  workload::read_trace(w_.trace, [&](const workload::TraceRecord& r) {
    serving::Request q;
    q.id = index++;
    const double arrival_s = r.arrival_time_s / w_.rate_scale;
    if (!fits_in_simulated_time(arrival_s))
      throw config::ConfigError(w_.trace.string(), 0, 0, "arrival_time_s",
                                fmt::format("request {} arrives at {} s (at rate_scale {}), past what simulated time "
                                            "holds (int64 picoseconds: about 106 days); window or rescale the trace",
                                            q.id, arrival_s, w_.rate_scale));
    q.arrival_ps = seconds_to_ps_round(arrival_s);
    q.input_tokens = r.input_tokens;
    q.output_tokens = r.output_tokens;
    q.expert = r.expert;
    q.prompt_id = r.prompt_id;
    q.category = r.category;
    if (q.expert >= experts_)
      throw config::ConfigError(w_.trace.string(), 0, 0, "expert",
                                fmt::format("request {} names expert {} of {}", q.id, q.expert, experts_));
    visit(q);
    return w_.max_requests == 0 || index < w_.max_requests;
  });
}

void TraceRequests::for_each(const std::function<void(serving::Request)>& visit) const {
  for_each_row([&](serving::Request& q) {
    clamp_tokens(q);
    if (!prompts_.empty()) {
      const std::size_t p = attached_prompt(prompts_, by_length_, w_.seed, q.id, q.input_tokens, w_.match_input_length);
      q.prompt_id = prompts_[p].id;
      q.category = category_of_prompt_[p];
      q.expert = expert_of_category_.at(q.category);
    }
    visit(std::move(q));
  });
}

std::vector<serving::Request> trace_requests(const TraceWorkload& w, const std::vector<std::string>& expert_names) {
  std::vector<serving::Request> out;
  TraceRequests(w, expert_names).for_each([&](serving::Request q) { out.push_back(std::move(q)); });
  return out;
}

}  // namespace coesim::experiment
