#pragma once
// KV cache sizes. A layer with a sliding window keeps only the last `window`
// tokens, so long contexts cost less on windowed layers (Mistral, Gemma-2).
#include <cstdint>

#include "sim/llm/model_cost_terms.h"
#include "sim/llm/model_spec.h"

namespace coesim::llm {

// K and V of one token in one layer: 2 x kv_heads x head_dim x bytes/element.
std::int64_t layer_kv_bytes_per_token(const ModelSpec& spec);
// The same over all layers, ignoring windows: 2 x layers x kv_heads x head_dim x bytes/element.
std::int64_t kv_bytes_per_token(const ModelSpec& spec);
// Cache held for a sequence of `tokens`: windowed layers hold min(tokens, window).
std::int64_t kv_bytes_for_context(const ModelSpec& spec, std::int64_t tokens);
std::int64_t kv_bytes_for_context(const ModelCostTerms& terms, std::int64_t tokens);

}  // namespace coesim::llm
