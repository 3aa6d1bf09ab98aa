#include "sim/llm/model_size.h"

#include "sim/kernel/checked_math.h"

namespace coesim::llm {
namespace {

constexpr const char* kWhat = "the model's parameter count";

std::int64_t mul(std::int64_t a, std::int64_t b) { return checked_mul(a, b, kWhat); }
std::int64_t add(std::int64_t a, std::int64_t b) { return checked_add(a, b, kWhat); }

std::int64_t q_width(const ModelSpec& m) { return mul(m.num_attention_heads, m.head_dim); }
std::int64_t kv_width(const ModelSpec& m) { return mul(m.num_kv_heads, m.head_dim); }

}  // namespace

std::int64_t layer_matmul_parameter_count(const ModelSpec& m) {
  const std::int64_t attention = add(mul(2 * m.hidden_size, q_width(m)), mul(2 * m.hidden_size, kv_width(m)));
  const std::int64_t mlp = mul(3 * m.hidden_size, m.ffn_intermediate_size);
  return add(attention, mlp);
}

std::int64_t layer_parameter_count(const ModelSpec& m) {
  const std::int64_t biases = m.attention_bias ? add(q_width(m), mul(2, kv_width(m))) : 0;
  return add(add(layer_matmul_parameter_count(m), biases), mul(m.norms_per_layer, m.hidden_size));
}

std::int64_t embedding_parameter_count(const ModelSpec& m) { return mul(m.vocab_size, m.hidden_size); }

std::int64_t lm_head_parameter_count(const ModelSpec& m) {
  return m.has_lm_head && !m.tied_embeddings ? mul(m.vocab_size, m.hidden_size) : 0;
}

std::int64_t parameter_count(const ModelSpec& m) {
  const std::int64_t final_norm = m.hidden_size;
  return add(
      add(add(embedding_parameter_count(m), lm_head_parameter_count(m)), mul(m.num_layers, layer_parameter_count(m))),
      final_norm);
}

std::int64_t layer_weight_bytes(const ModelSpec& m) {
  return mul(layer_parameter_count(m), bytes_per_element(m.dtype));
}

std::int64_t embedding_weight_bytes(const ModelSpec& m) {
  return mul(embedding_parameter_count(m), bytes_per_element(m.dtype));
}

std::int64_t weight_bytes(const ModelSpec& m) { return mul(parameter_count(m), bytes_per_element(m.dtype)); }

}  // namespace coesim::llm
