#include "sim/llm/load_model.h"

#include <stdexcept>

#include <fmt/format.h>

#include "sim/config/section.h"
#include "sim/llm/kv_cache_size.h"
#include "sim/llm/model_cost_terms.h"
#include "sim/llm/model_schema.h"

namespace coesim::llm {
namespace {

// Checks that involve more than one field; the schema checks each field alone.
void check_consistency(const config::Section& s, const ModelSpec& m) {
  if (m.num_attention_heads % m.num_kv_heads != 0)
    s.fail("num_kv_heads",
           fmt::format("{} does not divide num_attention_heads ({})", m.num_kv_heads, m.num_attention_heads));
  if (s.has("sliding_window_layers") && !m.sliding_window_tokens)
    s.fail("sliding_window_layers", "given without sliding_window_tokens");
  if (m.tied_embeddings && !m.has_lm_head) s.fail("tied_embeddings", "true but the model has no LM head");
}

}  // namespace

ModelSpec load_model(const std::filesystem::path& file) { return load_model(config::ConfigDoc::load(file)); }

ModelSpec load_model(const config::ConfigDoc& doc) {
  const config::Section s(doc, model_schema());
  ModelSpec m;
  m.name = s.text("name");
  if (s.has("description")) m.description = s.text("description");
  m.sources = s.string_map("sources");
  m.num_layers = s.integer("num_layers");
  m.hidden_size = s.integer("hidden_size");
  m.num_attention_heads = s.integer("num_attention_heads");
  m.num_kv_heads = s.integer("num_kv_heads");
  m.head_dim = s.integer("head_dim");
  m.ffn_intermediate_size = s.integer("ffn_intermediate_size");
  m.vocab_size = s.integer("vocab_size");
  m.tied_embeddings = s.flag("tied_embeddings");
  m.has_lm_head = s.flag("has_lm_head");
  m.attention_bias = s.flag("attention_bias");
  m.norms_per_layer = s.integer("norms_per_layer");
  m.dtype = parse_dtype(s.text("dtype"));
  m.kv_dtype = s.has("kv_dtype") ? parse_dtype(s.text("kv_dtype")) : m.dtype;
  if (s.has("sliding_window_tokens")) m.sliding_window_tokens = s.integer("sliding_window_tokens");
  m.sliding_window_layers = s.text("sliding_window_layers") == "even" ? WindowedLayers::Even : WindowedLayers::All;
  m.max_context_tokens = s.integer("max_context_tokens");
  m.published_parameter_count = s.number("published_parameter_count");
  check_consistency(s, m);
  try {  // every size derived from the fields, at the longest context, must fit in 64 bits
    kv_bytes_for_context(ModelCostTerms::of(m), m.max_context_tokens);
  } catch (const std::overflow_error& e) {
    s.fail("num_layers", fmt::format("too large to simulate: {}", e.what()));
  }
  return m;
}

}  // namespace coesim::llm
