#pragma once
// The per-model constants behind step costs and KV sizes (FLOPs per token,
// per attention pair, bytes per token and per layer), computed once: a
// serving run evaluates millions of decode steps of a handful of models,
// and these do not change between steps. The ModelSpec overloads of
// step_cost.h and kv_cache_size.h go through the same arithmetic.
#include <cstdint>
#include <optional>

#include "sim/llm/model_spec.h"

namespace coesim::llm {

struct ModelCostTerms {
  double matmul_flops_per_token = 0;    // 2 x layer matmul params x layers
  double attention_flops_per_pair = 0;  // 4 x heads x head_dim
  double lm_head_flops_per_token = 0;   // 2 x hidden x vocab, or 0 without a head
  std::int64_t num_layers = 0;
  std::int64_t windowed_layers = 0;  // layers attending over a sliding window
  std::optional<std::int64_t> window_tokens;
  std::int64_t layer_kv_bytes_per_token = 0;
  std::int64_t kv_bytes_per_token = 0;
  std::int64_t weight_bytes = 0;
  std::int64_t embedding_weight_bytes = 0;
  std::int64_t embedding_row_bytes = 0;  // hidden x bytes/element
  std::int64_t vocab_size = 0;
  bool tied_embeddings = false;

  static ModelCostTerms of(const ModelSpec& spec);
};

}  // namespace coesim::llm
