#include "sim/validation/batch_run.h"

#include <algorithm>

namespace coesim::validation {

hw::RuntimeProfile ideal_profile() {
  hw::RuntimeProfile p;
  p.name = "ideal-roofline";
  return p;
}

namespace {

// The waves of a run: (sequences in the wave, how many such waves).
std::vector<std::pair<std::int64_t, std::int64_t>> waves(const BatchRunShape& shape) {
  std::vector<std::pair<std::int64_t, std::int64_t>> w{{shape.wave_size(), shape.full_waves()}};
  if (shape.last_wave() > 0) w.emplace_back(shape.last_wave(), 1);
  return w;
}

}  // namespace

BatchRunTime predict_batch_run(const serving::ExecutionModel& exec, const serving::StepModel& model,
                               const BatchRunShape& shape) {
  BatchRunTime t;
  for (const auto& [sequences, count] : waves(shape)) {
    const std::vector<std::int64_t> prompts(static_cast<std::size_t>(sequences), shape.input_tokens);
    const auto n = static_cast<double>(count);
    t.prefill_s += n * exec.prefill(model, prompts).total_s();
    for (std::int64_t k = 0; k + 1 < shape.output_tokens; ++k)
      t.decode_s += n * exec.decode_uniform(model, sequences, shape.input_tokens + k).total_s();
  }
  return t;
}

BatchRunTerms BatchRunTerms::of(const serving::TpGroupHardware& hw, const serving::StepModel& model,
                                const BatchRunShape& shape) {
  const serving::ExecutionModel ideal(hw, ideal_profile());
  BatchRunTerms terms;
  const auto decode_steps = std::max<std::int64_t>(shape.output_tokens - 1, 0);
  const auto layers = static_cast<double>(model.cost.num_layers);
  for (const auto& [sequences, count] : waves(shape)) {
    const auto n = static_cast<double>(count);
    const auto add = [&](const serving::StepTime& s, bool prefill) {
      terms.fixed_s += n * s.collective_s;  // with no per-call latency: the bandwidth part only
      terms.steps_roofline.push_back({s.compute_s, s.memory_s, n, prefill});
    };
    const std::vector<std::int64_t> prompts(static_cast<std::size_t>(sequences), shape.input_tokens);
    add(ideal.prefill(model, prompts), true);
    for (std::int64_t k = 0; k < decode_steps; ++k)
      add(ideal.decode_uniform(model, sequences, shape.input_tokens + k), false);
    const double steps = n * (1.0 + static_cast<double>(decode_steps));
    terms.steps += steps;
    terms.layer_steps += layers * steps;
    const double calls = hw.tensor_parallel > 1 ? 2.0 * layers * steps : 0.0;
    terms.collective_calls += calls;
    terms.collective_hops += calls * (hw.tensor_parallel - 1.0);
    terms.sequence_steps += n * static_cast<double>(sequences * decode_steps);
    terms.requests += n * static_cast<double>(sequences);
  }
  return terms;
}

double BatchRunTerms::time_s(const hw::RuntimeProfile& p) const {
  double roofline_s = 0;
  const double prefill_compute = 1.0 / p.prefill_compute_efficiency;
  const double decode_compute = 1.0 / p.decode_compute_efficiency;
  const double memory = 1.0 / p.memory_efficiency;
  for (const Roofline& r : steps_roofline) {
    const double compute = r.prefill ? prefill_compute : decode_compute;
    roofline_s += r.times * std::max(r.compute_s * compute, r.memory_s * memory);
  }
  return roofline_s + fixed_s + steps * p.step_overhead_s + layer_steps * p.layer_overhead_s +
         collective_calls * p.collective_latency_s + collective_hops * p.collective_hop_latency_s +
         sequence_steps * p.sequence_overhead_s + requests * p.request_overhead_s;
}

}  // namespace coesim::validation
