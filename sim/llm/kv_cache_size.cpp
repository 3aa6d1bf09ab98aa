#include "sim/llm/kv_cache_size.h"

#include <algorithm>

namespace coesim::llm {

std::int64_t layer_kv_bytes_per_token(const ModelSpec& m) {
  return 2 * m.num_kv_heads * m.head_dim * bytes_per_element(m.kv_dtype);
}

std::int64_t kv_bytes_per_token(const ModelSpec& m) { return m.num_layers * layer_kv_bytes_per_token(m); }

std::int64_t kv_bytes_for_context(const ModelSpec& m, std::int64_t tokens) {
  std::int64_t held_tokens = 0;
  for (std::int64_t layer = 0; layer < m.num_layers; ++layer) {
    const auto window = layer_window_tokens(m, layer);
    held_tokens += window ? std::min(tokens, *window) : tokens;
  }
  return held_tokens * layer_kv_bytes_per_token(m);
}

}  // namespace coesim::llm
