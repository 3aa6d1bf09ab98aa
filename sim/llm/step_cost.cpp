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

void require(bool ok, const char* what, std::int64_t value) {
  if (!ok) throw std::invalid_argument(fmt::format("{} out of range: {}", what, value));
}

}  // namespace

std::int64_t step_weight_bytes(const ModelSpec& m, std::int64_t tokens) {
  return step_weight_bytes(ModelCostTerms::of(m), tokens);
}

std::int64_t step_weight_bytes(const ModelCostTerms& t, std::int64_t tokens) {
  if (t.tied_embeddings) return t.weight_bytes;
  const std::int64_t gathered_rows = std::min(tokens, t.vocab_size);
  return t.weight_bytes - t.embedding_weight_bytes + gathered_rows * t.embedding_row_bytes;
}

StepCost prefill_cost(const ModelSpec& m, std::int64_t prompt_tokens) {
  return prefill_cost(ModelCostTerms::of(m), prompt_tokens);
}

StepCost prefill_cost(const ModelCostTerms& t, std::int64_t prompt_tokens) {
  require(prompt_tokens >= 1, "prompt_tokens", prompt_tokens);
  double pairs = static_cast<double>(t.num_layers - t.windowed_layers) * prefill_pairs(prompt_tokens, std::nullopt);
  if (t.windowed_layers > 0)
    pairs += static_cast<double>(t.windowed_layers) * prefill_pairs(prompt_tokens, t.window_tokens);
  StepCost cost;
  cost.flops = t.matmul_flops_per_token * static_cast<double>(prompt_tokens) + t.attention_flops_per_pair * pairs +
               t.lm_head_flops_per_token;
  cost.weight_bytes = step_weight_bytes(t, prompt_tokens);
  cost.kv_write_bytes = kv_bytes_for_context(t, prompt_tokens);
  return cost;
}

StepCost decode_cost(const ModelSpec& m, std::int64_t context_tokens, std::int64_t batch) {
  return decode_cost(ModelCostTerms::of(m), context_tokens, batch);
}

SequenceDecodeCost decode_sequence_cost(const ModelCostTerms& t, std::int64_t context_tokens) {
  require(context_tokens >= 0, "context_tokens", context_tokens);
  // Query-key pairs over all layers.
  double pairs = static_cast<double>((t.num_layers - t.windowed_layers) * (context_tokens + 1));
  if (t.windowed_layers > 0)
    pairs += static_cast<double>(t.windowed_layers * (std::min(context_tokens, *t.window_tokens) + 1));
  return {t.matmul_flops_per_token + t.attention_flops_per_pair * pairs + t.lm_head_flops_per_token,
          kv_bytes_for_context(t, context_tokens) + t.kv_bytes_per_token};
}

StepCost decode_cost(const ModelCostTerms& t, std::int64_t context_tokens, std::int64_t batch) {
  require(batch >= 1, "batch", batch);
  const SequenceDecodeCost one = decode_sequence_cost(t, context_tokens);
  StepCost cost;
  cost.flops = one.flops * static_cast<double>(batch);
  cost.weight_bytes = step_weight_bytes(t, batch);
  cost.kv_read_bytes = batch * kv_bytes_for_context(t, context_tokens);
  cost.kv_write_bytes = batch * t.kv_bytes_per_token;
  return cost;
}

}  // namespace coesim::llm
