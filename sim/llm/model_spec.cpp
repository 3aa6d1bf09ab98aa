#include "sim/llm/model_spec.h"

namespace coesim::llm {

std::optional<std::int64_t> layer_window_tokens(const ModelSpec& spec, std::int64_t layer) {
  if (!spec.sliding_window_tokens) return std::nullopt;
  if (spec.sliding_window_layers == WindowedLayers::Even && layer % 2 != 0) return std::nullopt;
  return spec.sliding_window_tokens;
}

std::int64_t windowed_layer_count(const ModelSpec& spec) {
  if (!spec.sliding_window_tokens) return 0;
  return spec.sliding_window_layers == WindowedLayers::Even ? (spec.num_layers + 1) / 2 : spec.num_layers;
}

}  // namespace coesim::llm
