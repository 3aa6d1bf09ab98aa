#include "sim/llm/model_cost_terms.h"

#include "sim/llm/dtype.h"
#include "sim/llm/model_size.h"

namespace coesim::llm {

ModelCostTerms ModelCostTerms::of(const ModelSpec& m) {
  ModelCostTerms t;
  t.matmul_flops_per_token = 2.0 * static_cast<double>(m.num_layers * layer_matmul_parameter_count(m));
  t.attention_flops_per_pair = 4.0 * static_cast<double>(m.num_attention_heads * m.head_dim);
  t.lm_head_flops_per_token = m.has_lm_head ? 2.0 * static_cast<double>(m.hidden_size * m.vocab_size) : 0.0;
  t.num_layers = m.num_layers;
  t.windowed_layers = windowed_layer_count(m);
  t.window_tokens = m.sliding_window_tokens;
  t.layer_kv_bytes_per_token = 2 * m.num_kv_heads * m.head_dim * bytes_per_element(m.kv_dtype);
  t.kv_bytes_per_token = m.num_layers * t.layer_kv_bytes_per_token;
  t.weight_bytes = llm::weight_bytes(m);
  t.embedding_weight_bytes = llm::embedding_weight_bytes(m);
  t.embedding_row_bytes = m.hidden_size * bytes_per_element(m.dtype);
  t.vocab_size = m.vocab_size;
  t.tied_embeddings = m.tied_embeddings;
  return t;
}

}  // namespace coesim::llm
