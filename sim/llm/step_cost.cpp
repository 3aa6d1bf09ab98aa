#include "sim/llm/step_cost.h"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "sim/llm/kv_cache_size.h"
#include "sim/llm/model_size.h"

namespace coesim::llm {
namespace {

// Causal query-key pairs in one layer for a prompt of n tokens: token i attends
// to min(i, window) earlier tokens and itself.
double prefill_pairs(std::int64_t n, std::optional<std::int64_t> window) {
  const std::int64_t ramp = window ? std::min(n, *window + 1) : n;  // tokens before the window is full
  const double ramp_pairs = static_cast<double>(ramp) * static_cast<double>(ramp + 1) / 2.0;
  return ramp_pairs + static_cast<double>(n - ramp) * static_cast<double>(window.value_or(0) + 1);
}

double attention_flops_per_pair(const ModelSpec& m) {
  return 4.0 * static_cast<double>(m.num_attention_heads * m.head_dim);
}

double matmul_flops_per_token(const ModelSpec& m) {
  return 2.0 * static_cast<double>(m.num_layers * layer_matmul_parameter_count(m));
}

double lm_head_flops_per_token(const ModelSpec& m) {
  return m.has_lm_head ? 2.0 * static_cast<double>(m.hidden_size * m.vocab_size) : 0.0;
}

void require(bool ok, const char* what, std::int64_t value) {
  if (!ok) throw std::invalid_argument(fmt::format("{} out of range: {}", what, value));
}

}  // namespace

std::int64_t step_weight_bytes(const ModelSpec& m, std::int64_t tokens) {
  if (m.tied_embeddings) return weight_bytes(m);
  const std::int64_t gathered_rows = std::min(tokens, m.vocab_size);
  return weight_bytes(m) - embedding_weight_bytes(m) + gathered_rows * m.hidden_size * bytes_per_element(m.dtype);
}

StepCost prefill_cost(const ModelSpec& m, std::int64_t prompt_tokens) {
  require(prompt_tokens >= 1, "prompt_tokens", prompt_tokens);
  double pairs = 0.0;
  for (std::int64_t layer = 0; layer < m.num_layers; ++layer)
    pairs += prefill_pairs(prompt_tokens, layer_window_tokens(m, layer));
  StepCost cost;
  cost.flops = matmul_flops_per_token(m) * static_cast<double>(prompt_tokens) +
               attention_flops_per_pair(m) * pairs + lm_head_flops_per_token(m);
  cost.weight_bytes = step_weight_bytes(m, prompt_tokens);
  cost.kv_write_bytes = kv_bytes_for_context(m, prompt_tokens);
  return cost;
}

StepCost decode_cost(const ModelSpec& m, std::int64_t context_tokens, std::int64_t batch) {
  require(context_tokens >= 0, "context_tokens", context_tokens);
  require(batch >= 1, "batch", batch);
  double pairs = 0.0;  // per sequence, over all layers
  for (std::int64_t layer = 0; layer < m.num_layers; ++layer) {
    const auto window = layer_window_tokens(m, layer);
    pairs += static_cast<double>((window ? std::min(context_tokens, *window) : context_tokens) + 1);
  }
  const double per_sequence = matmul_flops_per_token(m) + attention_flops_per_pair(m) * pairs +
                              lm_head_flops_per_token(m);
  StepCost cost;
  cost.flops = per_sequence * static_cast<double>(batch);
  cost.weight_bytes = step_weight_bytes(m, batch);
  cost.kv_read_bytes = batch * kv_bytes_for_context(m, context_tokens);
  cost.kv_write_bytes = batch * kv_bytes_per_token(m);
  return cost;
}

}  // namespace coesim::llm
