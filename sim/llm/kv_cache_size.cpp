#include "sim/llm/kv_cache_size.h"

#include <algorithm>

#include "sim/kernel/checked_math.h"
#include "sim/llm/model_cost_terms.h"

namespace coesim::llm {

std::int64_t layer_kv_bytes_per_token(const ModelSpec& m) { return ModelCostTerms::of(m).layer_kv_bytes_per_token; }

std::int64_t kv_bytes_per_token(const ModelSpec& m) { return ModelCostTerms::of(m).kv_bytes_per_token; }

std::int64_t kv_bytes_for_context(const ModelSpec& m, std::int64_t tokens) {
  return kv_bytes_for_context(ModelCostTerms::of(m), tokens);
}

std::int64_t kv_bytes_for_context(const ModelCostTerms& t, std::int64_t tokens) {
  constexpr const char* what = "a sequence's KV cache bytes";
  const std::int64_t held_tokens = checked_add(
      checked_mul(t.num_layers - t.windowed_layers, tokens, what),
      t.windowed_layers > 0 ? checked_mul(t.windowed_layers, std::min(tokens, *t.window_tokens), what) : 0, what);
  return checked_mul(held_tokens, t.layer_kv_bytes_per_token, what);
}

}  // namespace coesim::llm
