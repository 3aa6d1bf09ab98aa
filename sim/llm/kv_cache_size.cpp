#include "sim/llm/kv_cache_size.h"

#include <algorithm>

#include "sim/llm/model_cost_terms.h"

namespace coesim::llm {

std::int64_t layer_kv_bytes_per_token(const ModelSpec& m) { return ModelCostTerms::of(m).layer_kv_bytes_per_token; }

std::int64_t kv_bytes_per_token(const ModelSpec& m) { return ModelCostTerms::of(m).kv_bytes_per_token; }

std::int64_t kv_bytes_for_context(const ModelSpec& m, std::int64_t tokens) {
  return kv_bytes_for_context(ModelCostTerms::of(m), tokens);
}

std::int64_t kv_bytes_for_context(const ModelCostTerms& t, std::int64_t tokens) {
  const std::int64_t held_tokens = (t.num_layers - t.windowed_layers) * tokens +
                                   (t.windowed_layers > 0 ? t.windowed_layers * std::min(tokens, *t.window_tokens) : 0);
  return held_tokens * t.layer_kv_bytes_per_token;
}

}  // namespace coesim::llm
