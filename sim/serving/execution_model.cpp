#include "sim/serving/execution_model.h"

#include <stdexcept>

#include <fmt/format.h>

#include "sim/llm/dtype.h"
#include "sim/llm/step_cost.h"

namespace coesim::serving {

TpGroupHardware TpGroupHardware::of(const hw::Platform& platform, int tensor_parallel) {
  const std::vector<int> accelerators = platform.accelerators();
  if (tensor_parallel < 1 || tensor_parallel > static_cast<int>(accelerators.size()))
    throw std::invalid_argument(fmt::format("tensor parallel degree {} on the {} accelerators of '{}'", tensor_parallel,
                                            accelerators.size(), platform.name));
  const int device = accelerators.front();
  TpGroupHardware hw;
  hw.tensor_parallel = tensor_parallel;
  hw.compute = platform.devices[static_cast<std::size_t>(device)].compute;
  const hw::MemoryTier& fast = platform.tiers[static_cast<std::size_t>(platform.fast_tier_of(device))];
  if (!fast.bandwidth_bytes_per_s)
    throw std::invalid_argument(fmt::format("fast tier {} has no bandwidth: decode time is undefined", fast.name));
  hw.fast_tier_bytes_per_s = *fast.bandwidth_bytes_per_s;
  if (hw.compute.peak_flops_per_s <= 0)
    throw std::invalid_argument(
        fmt::format("accelerator {} has no compute section", platform.devices[static_cast<std::size_t>(device)].name));
  if (!platform.serving.sram_tier.empty()) {
    const auto sram =
        platform.find_tier(platform.devices[static_cast<std::size_t>(device)].name + "." + platform.serving.sram_tier);
    if (sram) hw.sram_bytes = platform.tiers[static_cast<std::size_t>(*sram)].capacity_bytes;
  }
  if (!platform.serving.tp_link.empty())
    for (const hw::Link& l : platform.links)
      if (l.group == platform.serving.tp_link) {
        hw.tp_link_bytes_per_s = l.bandwidth_bytes_per_s;
        break;
      }
  return hw;
}

ExecutionModel ExecutionModel::of(const hw::Platform& platform, int tensor_parallel) {
  TpGroupHardware hw = TpGroupHardware::of(platform, tensor_parallel);
  if (platform.serving.runtime_profile) return ExecutionModel(hw, *platform.serving.runtime_profile);
  return ExecutionModel(hw);
}

double layer_activation_bytes_per_token(const llm::ModelSpec& m) {
  const double kv_width = static_cast<double>(m.num_kv_heads * m.head_dim);
  const double q_width = static_cast<double>(m.num_attention_heads * m.head_dim);
  const double hidden = static_cast<double>(m.hidden_size);
  const double ffn = static_cast<double>(m.ffn_intermediate_size);
  const double elements = 2 * hidden                // two norms
                          + q_width + 2 * kv_width  // q, k, v
                          + q_width + hidden        // attention output, o-projection
                          + 3 * ffn + hidden;       // gate, up, activation, down
  return 2.0 * elements * static_cast<double>(llm::bytes_per_element(m.dtype));
}

StepModel StepModel::of(const llm::ModelSpec& m) {
  return {llm::ModelCostTerms::of(m), layer_activation_bytes_per_token(m),
          static_cast<double>(m.hidden_size * llm::bytes_per_element(m.dtype))};
}

StepTime ExecutionModel::time(const StepModel& m, Phase phase, double flops, double bytes, std::int64_t tokens,
                              std::int64_t sequences) const {
  const hw::RuntimeProfile& p = profile_;
  const double tp = hw_.tensor_parallel;
  const auto layers = static_cast<double>(m.cost.num_layers);
  StepTime t;
  // Activations: a layer's working set per device is its tokens' activations
  // over the TP degree; it stays on chip when it fits the SRAM tier.
  const double per_layer = m.activation_bytes_per_token * static_cast<double>(tokens) / tp;
  if (per_layer > hw_.sram_bytes) t.activation_bytes = per_layer * tp * layers;
  const double compute_efficiency =
      phase == Phase::Prefill ? p.prefill_compute_efficiency : p.decode_compute_efficiency;
  t.compute_s = flops / (tp * hw_.compute.peak_flops_per_s * compute_efficiency);
  t.memory_s = (bytes + t.activation_bytes) / (tp * hw_.fast_tier_bytes_per_s * p.memory_efficiency);
  const double per_sequence_s = phase == Phase::Prefill ? p.request_overhead_s : p.sequence_overhead_s;
  t.overhead_s = p.step_overhead_s + layers * p.layer_overhead_s + static_cast<double>(sequences) * per_sequence_s;
  if (hw_.tensor_parallel > 1) {
    // Two all-reduces per layer of tokens x hidden elements; a ring moves
    // 2 (tp - 1) / tp of the message through each device's link.
    const double calls = 2.0 * layers;
    const double message = static_cast<double>(tokens) * m.hidden_bytes_per_token;
    t.collective_s = calls * (p.collective_latency_s + (tp - 1.0) * p.collective_hop_latency_s);
    if (hw_.tp_link_bytes_per_s > 0) {
      t.collective_bytes_per_device = calls * message * 2.0 * (tp - 1.0) / tp;
      t.collective_s += t.collective_bytes_per_device / hw_.tp_link_bytes_per_s;
    }
  }
  return t;
}

StepTime ExecutionModel::prefill(const llm::ModelSpec& m, std::span<const std::int64_t> prompt_tokens) const {
  return prefill(StepModel::of(m), prompt_tokens);
}

StepTime ExecutionModel::prefill(const StepModel& m, std::span<const std::int64_t> prompt_tokens) const {
  double flops = 0;
  double bytes = 0;
  std::int64_t tokens = 0;
  for (const std::int64_t n : prompt_tokens) {
    const llm::StepCost c = llm::prefill_cost(m.cost, n);
    flops += c.flops;
    bytes += static_cast<double>(c.kv_write_bytes + c.kv_read_bytes);
    tokens += n;
  }
  // Weights are read once for the whole batched step.
  bytes += static_cast<double>(llm::step_weight_bytes(m.cost, tokens));
  const auto prompts = static_cast<std::int64_t>(prompt_tokens.size());
  return time(m, Phase::Prefill, flops, bytes, tokens, prompts);
}

StepTime ExecutionModel::decode(const llm::ModelSpec& m, std::span<const std::int64_t> contexts) const {
  return decode(StepModel::of(m), contexts);
}

StepTime ExecutionModel::decode(const StepModel& m, std::span<const std::int64_t> contexts) const {
  double flops = 0;
  double bytes = 0;
  for (const std::int64_t context : contexts) {
    const llm::SequenceDecodeCost c = llm::decode_sequence_cost(m.cost, context);
    flops += c.flops;
    bytes += static_cast<double>(c.kv_bytes);
  }
  const auto batch = static_cast<std::int64_t>(contexts.size());
  bytes += static_cast<double>(llm::step_weight_bytes(m.cost, batch));
  return time(m, Phase::Decode, flops, bytes, batch, batch);
}

StepTime ExecutionModel::decode_uniform(const StepModel& m, std::int64_t batch, std::int64_t context) const {
  const llm::SequenceDecodeCost c = llm::decode_sequence_cost(m.cost, context);
  const auto n = static_cast<double>(batch);
  const double bytes = n * static_cast<double>(c.kv_bytes) + static_cast<double>(llm::step_weight_bytes(m.cost, batch));
  return time(m, Phase::Decode, n * c.flops, bytes, batch, batch);
}

}  // namespace coesim::serving
