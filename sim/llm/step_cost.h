#pragma once
// FLOPs and memory traffic of one prefill or one decode step, the inputs of a
// roofline. Counted: matmuls (2 FLOPs per weight per token) and attention
// (QK^T and AV: 4 x heads x head_dim FLOPs per query-key pair); elementwise
// ops (norms, RoPE, softmax, activations) are left out. No efficiency factors:
// the platform file owns those.
#include <cstdint>

#include "sim/llm/model_cost_terms.h"
#include "sim/llm/model_spec.h"

namespace coesim::llm {

struct StepCost {
  double flops = 0.0;
  std::int64_t weight_bytes = 0;    // weights read once for the whole step (batch)
  std::int64_t kv_read_bytes = 0;   // KV cache read by attention
  std::int64_t kv_write_bytes = 0;  // KV cache written for the new tokens

  std::int64_t bytes() const { return weight_bytes + kv_read_bytes + kv_write_bytes; }
};

// Weights one step reads for `tokens` tokens: every weight once, except that an
// untied input embedding table is gathered, one row per token (at most the table).
std::int64_t step_weight_bytes(const ModelSpec& spec, std::int64_t tokens);
std::int64_t step_weight_bytes(const ModelCostTerms& terms, std::int64_t tokens);

// Prefill of a fresh prompt of `prompt_tokens` tokens (no earlier cache).
// FLOPs = 2 x layer matmul params x layers x N + attention over causal pairs
// (token i sees min(i, window) earlier tokens and itself) + LM head (2 x hidden x vocab)
// for the last token only. Bytes: step_weight_bytes + the cache the prompt leaves
// (kv_bytes_for_context(N)) written; nothing read.
StepCost prefill_cost(const ModelSpec& spec, std::int64_t prompt_tokens);
StepCost prefill_cost(const ModelCostTerms& terms, std::int64_t prompt_tokens);

// One decode step for `batch` sequences, each with `context_tokens` already cached.
// FLOPs per sequence = 2 x layer matmul params x layers + attention to
// min(context, window) + 1 keys per layer + LM head. Bytes: step_weight_bytes once,
// batch x kv_bytes_for_context(context) read, batch x kv_bytes_per_token written.
StepCost decode_cost(const ModelSpec& spec, std::int64_t context_tokens, std::int64_t batch);
StepCost decode_cost(const ModelCostTerms& terms, std::int64_t context_tokens, std::int64_t batch);

// One sequence's share of a decode step (decode_cost without the weights):
// the serving loop's inner loop, called for every sequence of every step.
struct SequenceDecodeCost {
  double flops = 0;
  std::int64_t kv_bytes = 0;  // read and written
};
SequenceDecodeCost decode_sequence_cost(const ModelCostTerms& terms, std::int64_t context_tokens);

}  // namespace coesim::llm
