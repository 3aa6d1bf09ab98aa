#include "sim/validation/measured_cases.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "sim/hw/platform_loader.h"
#include "sim/llm/kv_cache_size.h"
#include "sim/llm/load_model.h"
#include "sim/llm/model_size.h"

namespace coesim::validation {

std::string group_name(const std::string& hardware, const std::string& framework) {
  return hardware + " / " + framework;
}

CaseFitRows::CaseFitRows(const std::vector<const MeasuredCase*>& cases) {
  terms.reserve(cases.size());
  for (const MeasuredCase* c : cases) terms.push_back(BatchRunTerms::of(c->hardware, *c->step_model, c->shape));
  for (std::size_t i = 0; i < cases.size(); ++i)
    rows.push_back({&terms[i], cases[i]->row->latency_s, cases[i]->row->model});
}

double MeasuredCase::predict_s(const hw::RuntimeProfile& p) const {
  return predict_batch_run(serving::ExecutionModel(hardware, p), *step_model, shape).total_s();
}

MeasuredCases::MeasuredCases(const std::vector<MeasuredRuns>& datasets, const ValidationMap& map) {
  for (const MeasuredRuns& runs : datasets)
    for (const MeasuredRun& row : runs.rows) cases_.push_back(resolve(runs, row, map));
}

const hw::Platform& MeasuredCases::platform(const std::string& file) {
  auto& slot = platforms_[file];
  if (!slot) slot = std::make_unique<hw::Platform>(hw::load_platform(file));
  return *slot;
}

const llm::ModelSpec& MeasuredCases::model(const std::string& file) {
  auto& slot = models_[file];
  if (!slot) slot = std::make_unique<llm::ModelSpec>(llm::load_model(file));
  return *slot;
}

const hw::RuntimeProfile& MeasuredCases::profile(const PlatformMapping& mapping, const hw::Platform& p) {
  const std::string key = mapping.profile_file.empty() ? "platform:" + mapping.platform_file : mapping.profile_file;
  auto& slot = profiles_[key];
  if (!slot) {
    if (!mapping.profile_file.empty())
      slot = std::make_unique<hw::RuntimeProfile>(hw::load_runtime_profile(mapping.profile_file));
    else if (p.serving.runtime_profile)
      slot = std::make_unique<hw::RuntimeProfile>(*p.serving.runtime_profile);
    else
      slot = std::make_unique<hw::RuntimeProfile>(
          hw::RuntimeProfile::from_compute(p.devices[static_cast<std::size_t>(p.accelerators().front())].compute));
  }
  return *slot;
}

MeasuredCase MeasuredCases::resolve(const MeasuredRuns& dataset, const MeasuredRun& row, const ValidationMap& map) {
  MeasuredCase c;
  c.dataset = &dataset;
  c.row = &row;
  c.group = group_name(row.hardware, row.framework);
  c.shape = {row.batch, row.input_tokens, row.output_tokens};
  const PlatformMapping* pm = map.platform_for(row.hardware, row.framework);
  const auto skip = [&c](std::string kind, std::string detail) {
    c.skip_kind = std::move(kind);
    c.skipped = std::move(detail);
    return c;
  };
  if (pm == nullptr) {
    c.skip_kind = "no platform mapped";
    c.skipped = fmt::format("no platform mapped for hardware '{}' with framework '{}' in {}", row.hardware,
                            row.framework, map.file);
    return c;
  }
  if (!pm->skip.empty()) return skip(pm->skip, pm->skip);
  const ModelMapping* mm = map.model_for(row.model);
  if (mm == nullptr) {
    c.skip_kind = "no model mapped";
    c.skipped = fmt::format("no model file mapped for '{}' in {}", row.model, map.file);
    return c;
  }
  if (!mm->skip.empty()) return skip(mm->skip, mm->skip);
  c.platform = &platform(pm->platform_file);
  c.model = &model(mm->model_file);
  c.profile = &profile(*pm, *c.platform);
  const auto accelerators = static_cast<int>(c.platform->accelerators().size());
  if (row.devices > accelerators)
    return skip("more devices than the platform has",
                fmt::format("{} devices, platform '{}' has {}", row.devices, c.platform->name, accelerators));
  c.hardware = serving::TpGroupHardware::of(*c.platform, row.devices);
  const hw::MemoryTier& fast =
      c.platform->tiers[static_cast<std::size_t>(c.platform->fast_tier_of(c.platform->accelerators().front()))];
  if (row.input_tokens + row.output_tokens > c.model->max_context_tokens)
    return skip("longer than the model's context",
                fmt::format("{} + {} tokens exceed {}'s context of {}", row.input_tokens, row.output_tokens,
                            c.model->name, c.model->max_context_tokens));
  // KV caches shard over the group with the attention heads.
  const double weights = static_cast<double>(llm::weight_bytes(*c.model)) / row.devices;
  const double kv_per_sequence =
      static_cast<double>(llm::kv_bytes_for_context(*c.model, row.input_tokens + row.output_tokens)) / row.devices;
  const double budget = c.profile->kv_budget_bytes(fast.capacity_bytes, weights);
  const double fit = budget > 0 ? std::floor(budget / kv_per_sequence) : 0;
  if (fit < 1)
    return skip("no room for one sequence's KV cache",
                fmt::format("{:.1f} GB of weights per device leave {:.2f} GB of the {}'s {:.1f} GB for KV caches "
                            "(profile '{}'), one sequence needs {:.2f} GB",
                            weights / 1e9, std::max(budget, 0.0) / 1e9, fast.tier, fast.capacity_bytes / 1e9,
                            c.profile->name, kv_per_sequence / 1e9));
  c.shape.concurrent = fit < static_cast<double>(row.batch) ? static_cast<std::int64_t>(fit) : 0;
  c.step_model = serving::StepModel::of(*c.model);
  // The floor runs the whole batch at once, however little memory is left.
  BatchRunShape whole = c.shape;
  whole.concurrent = 0;
  c.ideal_latency_s =
      predict_batch_run(serving::ExecutionModel(c.hardware, ideal_profile()), *c.step_model, whole).total_s();
  if (row.latency_s < c.ideal_latency_s)
    return skip("faster than the ideal roofline",
                fmt::format("measured {:.4g} s is below the ideal roofline's {:.4g} s (peak FLOP/s and bandwidth, no "
                            "overheads): not a complete run of this shape",
                            row.latency_s, c.ideal_latency_s));
  return c;
}

}  // namespace coesim::validation
