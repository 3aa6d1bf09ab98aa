#pragma once
// Parameter counts and weight bytes, exact integers. Every decoder layer of
// these models has the same shape, so per-layer figures are one number; the
// serving layer uses layer_weight_bytes() to decide what fits in SRAM.
#include <cstdint>

#include "sim/llm/model_spec.h"

namespace coesim::llm {

// q, k, v, o projections plus gate, up and down matrices of one layer (no biases, no norms).
std::int64_t layer_matmul_parameter_count(const ModelSpec& spec);
// One decoder layer: matmul weights + q/k/v biases (if any) + norm vectors.
std::int64_t layer_parameter_count(const ModelSpec& spec);
// The input embedding table (vocab_size x hidden_size).
std::int64_t embedding_parameter_count(const ModelSpec& spec);
// A separate LM head matrix; 0 when tied to the embeddings or absent.
std::int64_t lm_head_parameter_count(const ModelSpec& spec);
// Embeddings + untied LM head + all layers + the final norm.
std::int64_t parameter_count(const ModelSpec& spec);

std::int64_t layer_weight_bytes(const ModelSpec& spec);
std::int64_t embedding_weight_bytes(const ModelSpec& spec);
std::int64_t weight_bytes(const ModelSpec& spec);  // what an expert copy moves: every parameter

}  // namespace coesim::llm
