#include "sim/llm/model_size.h"

namespace coesim::llm {
namespace {

std::int64_t q_width(const ModelSpec& m) { return m.num_attention_heads * m.head_dim; }
std::int64_t kv_width(const ModelSpec& m) { return m.num_kv_heads * m.head_dim; }

}  // namespace

std::int64_t layer_matmul_parameter_count(const ModelSpec& m) {
  const std::int64_t attention = 2 * m.hidden_size * q_width(m) + 2 * m.hidden_size * kv_width(m);
  const std::int64_t mlp = 3 * m.hidden_size * m.ffn_intermediate_size;
  return attention + mlp;
}

std::int64_t layer_parameter_count(const ModelSpec& m) {
  const std::int64_t biases = m.attention_bias ? q_width(m) + 2 * kv_width(m) : 0;
  return layer_matmul_parameter_count(m) + biases + m.norms_per_layer * m.hidden_size;
}

std::int64_t embedding_parameter_count(const ModelSpec& m) { return m.vocab_size * m.hidden_size; }

std::int64_t lm_head_parameter_count(const ModelSpec& m) {
  return m.has_lm_head && !m.tied_embeddings ? m.vocab_size * m.hidden_size : 0;
}

std::int64_t parameter_count(const ModelSpec& m) {
  const std::int64_t final_norm = m.hidden_size;
  return embedding_parameter_count(m) + lm_head_parameter_count(m) + m.num_layers * layer_parameter_count(m) +
         final_norm;
}

std::int64_t layer_weight_bytes(const ModelSpec& m) { return layer_parameter_count(m) * bytes_per_element(m.dtype); }

std::int64_t embedding_weight_bytes(const ModelSpec& m) {
  return embedding_parameter_count(m) * bytes_per_element(m.dtype);
}

std::int64_t weight_bytes(const ModelSpec& m) { return parameter_count(m) * bytes_per_element(m.dtype); }

}  // namespace coesim::llm
