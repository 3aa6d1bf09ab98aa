#include "sim/llm/model_cost_terms.h"

#include "sim/kernel/checked_math.h"
#include "sim/llm/dtype.h"
#include "sim/llm/model_size.h"

namespace coesim::llm {

ModelCostTerms ModelCostTerms::of(const ModelSpec& m) {
  ModelCostTerms t;
  t.matmul_flops_per_token =
      2.0 * static_cast<double>(m.num_layers) * static_cast<double>(layer_matmul_parameter_count(m));
  t.attention_flops_per_pair = 4.0 * static_cast<double>(m.num_attention_heads) * static_cast<double>(m.head_dim);
  t.lm_head_flops_per_token =
      m.has_lm_head ? 2.0 * static_cast<double>(m.hidden_size) * static_cast<double>(m.vocab_size) : 0.0;
  t.num_layers = m.num_layers;
  t.windowed_layers = windowed_layer_count(m);
  t.window_tokens = m.sliding_window_tokens;
  constexpr const char* kv = "the model's KV cache bytes per token";
  t.layer_kv_bytes_per_token =
      checked_mul(checked_mul(2 * m.num_kv_heads, m.head_dim, kv), bytes_per_element(m.kv_dtype), kv);
  t.kv_bytes_per_token = checked_mul(m.num_layers, t.layer_kv_bytes_per_token, kv);
  t.weight_bytes = llm::weight_bytes(m);
  t.embedding_weight_bytes = llm::embedding_weight_bytes(m);
  t.embedding_row_bytes = checked_mul(m.hidden_size, bytes_per_element(m.dtype), "the model's embedding row bytes");
  t.vocab_size = m.vocab_size;
  t.tied_embeddings = m.tied_embeddings;
  return t;
}

}  // namespace coesim::llm
