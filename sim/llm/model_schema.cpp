#include "sim/llm/model_schema.h"

#include <utility>

#include "sim/config/field_builders.h"

namespace coesim::llm {
namespace {

using namespace config;

// At most 2^31 - 1, so that doubling one never overflows; the sizes derived
// from them are computed with overflow checks (load_model).
Field positive_integer(std::string name, std::string help) {
  return required(at_most(positive(field(std::move(name), FieldKind::Integer, std::move(help))), 2147483647.0));
}

Field flag(std::string name, std::string default_text, std::string help) {
  return with_default(field(std::move(name), FieldKind::Bool, std::move(help)), std::move(default_text));
}

config::Schema build() {
  const std::vector<std::string> dtypes{"bf16", "fp16", "fp8", "fp32"};
  config::Schema schema;
  schema.name = "model";
  schema.help = "one decoder-only transformer architecture with a gated MLP (models/*.yaml)";
  schema.fields = {
      required(field("name", FieldKind::String, "model name, e.g. Llama-3.1-8B")),
      field("description", FieldKind::String, "one line about the model"),
      required(field("sources", FieldKind::StringMap,
                     "citation key -> source; every number cites a key in a trailing comment")),
      positive_integer("num_layers", "decoder layers"),
      positive_integer("hidden_size", "model (residual stream) width"),
      positive_integer("num_attention_heads", "query heads"),
      positive_integer("num_kv_heads", "key/value heads (GQA); divides num_attention_heads"),
      positive_integer("head_dim", "width of one attention head"),
      positive_integer("ffn_intermediate_size", "gated MLP inner width (gate, up and down matrices)"),
      positive_integer("vocab_size", "token vocabulary (embedding and LM head rows)"),
      flag("tied_embeddings", "false", "LM head shares the input embedding matrix"),
      flag("has_lm_head", "true", "false for embedding models: no LM head weights or FLOPs"),
      flag("attention_bias", "false", "q/k/v projections carry biases (Qwen2)"),
      at_most(non_negative(with_default(field("norms_per_layer", FieldKind::Integer,
                                              "RMSNorm weight vectors of hidden_size per layer (Llama 2, Gemma-2 4)"),
                                        "2")),
              2147483647.0),
      one_of(with_default(field("dtype", FieldKind::String, "weight element type; bytes per parameter derive from it"),
                          "bf16"),
             dtypes),
      one_of(field("kv_dtype", FieldKind::String, "KV cache element type; default: dtype"), dtypes),
      at_most(positive(field("sliding_window_tokens", FieldKind::Integer,
                             "attention window of windowed layers; absent: global attention everywhere")),
              2147483647.0),
      one_of(with_default(field("sliding_window_layers", FieldKind::String,
                                "layers with the window: all, or even (0, 2, 4, ...; Gemma-2 alternates "
                                "local and global)"),
                          "all"),
             {"all", "even"}),
      positive_integer("max_context_tokens", "longest context the model supports"),
      required(positive(field("published_parameter_count", FieldKind::Number,
                              "parameter count the model card publishes (checked by the tests)"))),
  };
  return schema;
}

}  // namespace

const config::Schema& model_schema() {
  static const config::Schema schema = build();
  return schema;
}

}  // namespace coesim::llm
