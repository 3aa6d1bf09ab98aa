#pragma once
// The architecture of one decoder-only transformer with a gated MLP, as read
// from models/<name>.yaml. Plain data: every size the simulator needs
// (parameters, weight and KV bytes, FLOPs) is computed from these fields.
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "sim/llm/dtype.h"

namespace coesim::llm {

// Which layers use sliding-window attention when the model has a window.
enum class WindowedLayers {
  All,   // every layer (Mistral-7B-v0.1)
  Even,  // layers 0, 2, 4, ...; the others attend globally (Gemma-2)
};

struct ModelSpec {
  std::string name;
  std::string description;
  std::map<std::string, std::string> sources;  // citation key -> where the numbers come from

  std::int64_t num_layers = 0;
  std::int64_t hidden_size = 0;
  std::int64_t num_attention_heads = 0;
  std::int64_t num_kv_heads = 0;
  std::int64_t head_dim = 0;
  std::int64_t ffn_intermediate_size = 0;
  std::int64_t vocab_size = 0;

  bool tied_embeddings = false;      // LM head shares the input embedding matrix
  bool has_lm_head = true;           // false for embedding models (e5): no LM head weights or FLOPs
  bool attention_bias = false;       // q/k/v projections carry biases (Qwen2); o never does here
  std::int64_t norms_per_layer = 2;  // RMSNorm weight vectors of hidden_size per layer

  Dtype dtype = Dtype::BF16;     // weights
  Dtype kv_dtype = Dtype::BF16;  // KV cache elements (same as dtype unless the file says otherwise)

  std::optional<std::int64_t> sliding_window_tokens;
  WindowedLayers sliding_window_layers = WindowedLayers::All;

  std::int64_t max_context_tokens = 0;
  double published_parameter_count = 0.0;
};

// The attention window of one layer (0-based), or nullopt for global attention.
std::optional<std::int64_t> layer_window_tokens(const ModelSpec& spec, std::int64_t layer);
// How many layers attend over a window (the rest attend globally): per-step
// costs sum over layers in closed form instead of a loop per step.
std::int64_t windowed_layer_count(const ModelSpec& spec);

}  // namespace coesim::llm
