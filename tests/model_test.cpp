#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "sim/config/config_doc.h"
#include "sim/config/config_error.h"
#include "sim/config/yaml_files.h"
#include "sim/llm/kv_cache_size.h"
#include "sim/llm/load_model.h"
#include "sim/llm/model_schema.h"
#include "sim/llm/model_size.h"
#include "sim/llm/step_cost.h"
#include "tests/test_support.h"

namespace coesim::llm {
namespace {

namespace fs = std::filesystem;

const fs::path kModelsDir = fs::path(COESIM_SOURCE_DIR) / "models";
const fs::path kFixtures = fs::path(COESIM_TEST_DATA_DIR) / "models";

std::vector<fs::path> shipped_model_files() { return config::yaml_files(kModelsDir); }

ModelSpec shipped(const std::string& stem) { return load_model(kModelsDir / (stem + ".yaml")); }
ModelSpec tiny() { return load_model(kFixtures / "tiny.yaml"); }

// Loads `file`, expecting a ConfigError, and returns it.
config::ConfigError load_error(const fs::path& file) {
  return testing::expect_config_error([&] { load_model(file); });
}

TEST(ModelFiles, EveryShippedModelLoads) {
  const auto files = shipped_model_files();
  EXPECT_EQ(files.size(), 16u);
  for (const auto& file : files) {
    SCOPED_TRACE(file.string());
    const ModelSpec m = load_model(file);
    EXPECT_FALSE(m.name.empty());
    EXPECT_FALSE(m.sources.empty());
  }
}

TEST(ModelFiles, ParameterCountWithinHalfAPercentOfPublished) {
  for (const auto& file : shipped_model_files()) {
    const ModelSpec m = load_model(file);
    const double computed = static_cast<double>(parameter_count(m));
    EXPECT_NEAR(computed / m.published_parameter_count, 1.0, 0.005) << m.name << ": " << computed;
  }
}

// Every field holding a number or flag ends in "# [key] ..." with key in `sources`.
TEST(ModelFiles, EveryValueCitesAKeyOfSources) {
  const std::regex field(R"(^([a-z_]+):\s*(.*)$)");
  const std::regex citation(R"(#\s*\[([a-z0-9_]+)\])");
  for (const auto& file : shipped_model_files()) {
    const ModelSpec m = load_model(file);
    std::ifstream in(file);
    std::string line;
    int line_no = 0;
    while (std::getline(in, line)) {
      ++line_no;
      std::smatch f;
      if (!std::regex_match(line, f, field)) continue;
      const std::string key = f[1];
      if (key == "name" || key == "description" || key == "sources") continue;
      std::smatch c;
      ASSERT_TRUE(std::regex_search(line, c, citation)) << file << ":" << line_no << " cites no source";
      EXPECT_TRUE(m.sources.contains(c[1])) << file << ":" << line_no << " cites unknown source " << c[1];
    }
  }
}

// The "KV/token" column of REFERENCE-FIGURES.md, in KiB.
TEST(ModelFiles, KvBytesPerTokenMatchReferenceTable) {
  const std::map<std::string, std::int64_t> kib{{"llama-2-7b", 512},    {"llama-3.1-8b", 128},
                                                {"llama-3.1-70b", 320}, {"llama-3.1-405b", 504},
                                                {"mistral-7b", 128},    {"qwen2-7b", 56},
                                                {"qwen2-72b", 320},     {"gemma-2-9b", 336},
                                                {"gemma-2-27b", 368},   {"e5-mistral-7b-instruct", 128}};
  for (const auto& [stem, expected] : kib) EXPECT_EQ(kv_bytes_per_token(shipped(stem)), expected * 1024) << stem;
}

TEST(ModelSize, Llama31_8BIsExact) {
  const ModelSpec m = shipped("llama-3.1-8b");
  EXPECT_EQ(parameter_count(m), 8'030'261'248);
  EXPECT_EQ(weight_bytes(m), 2 * parameter_count(m));
  EXPECT_EQ(kv_bytes_per_token(m), 131072);
  EXPECT_EQ(m.num_layers * layer_weight_bytes(m) + 2 * embedding_weight_bytes(m) + 2 * m.hidden_size, weight_bytes(m));
}

TEST(ModelSize, QwenBiasesAndGemmaTiedEmbeddingsAreCounted) {
  const ModelSpec qwen = shipped("qwen2-7b");
  ModelSpec no_bias = qwen;
  no_bias.attention_bias = false;
  EXPECT_EQ(parameter_count(qwen) - parameter_count(no_bias), 28 * (3584 + 2 * 512));

  const ModelSpec gemma = shipped("gemma-2-9b");
  EXPECT_EQ(lm_head_parameter_count(gemma), 0);
  EXPECT_EQ(parameter_count(gemma), 9'241'705'984);
}

TEST(ModelSize, EmbeddingModelHasNoLmHead) {
  const ModelSpec e5 = shipped("e5-mistral-7b-instruct");
  const ModelSpec mistral = shipped("mistral-7b");
  EXPECT_EQ(parameter_count(mistral) - parameter_count(e5), 32000 * 4096);
  EXPECT_DOUBLE_EQ(prefill_cost(mistral, 100).flops - prefill_cost(e5, 100).flops, 2.0 * 4096 * 32000);
}

TEST(ModelSize, TinyModelByHand) {
  const ModelSpec m = tiny();
  // Per layer: q 8x8 + k 8x4 + v 8x4 + o 8x8 + MLP 3x8x16 = 576; norms 2x8.
  EXPECT_EQ(layer_matmul_parameter_count(m), 576);
  // Embedding 10x8 + LM head 10x8 + 2 layers x (576 + 16) + final norm 8.
  EXPECT_EQ(parameter_count(m), 80 + 80 + 2 * (576 + 16) + 8);
  EXPECT_EQ(weight_bytes(m), 2 * 1352);
  EXPECT_EQ(layer_weight_bytes(m), 2 * (576 + 16));
}

TEST(ModelKvCache, GemmaWindowHalvesHalfTheLayers) {
  const ModelSpec m = shipped("gemma-2-9b");
  const std::int64_t per_layer_token = 2 * 8 * 256 * 2;
  EXPECT_EQ(layer_kv_bytes_per_token(m), per_layer_token);
  // 21 global layers hold 8192 tokens, 21 local layers hold 4096.
  EXPECT_EQ(kv_bytes_for_context(m, 8192), (21 * 8192 + 21 * 4096) * per_layer_token);
  EXPECT_EQ(kv_bytes_for_context(m, 4096), 4096 * kv_bytes_per_token(m));
  EXPECT_EQ(layer_window_tokens(m, 0), 4096);
  EXPECT_EQ(layer_window_tokens(m, 1), std::nullopt);
}

// The closed form the per-step costs use agrees with the per-layer rule.
TEST(ModelKvCache, WindowedLayerCountMatchesPerLayerWindows) {
  for (const char* name : {"gemma-2-9b", "gemma-2-27b", "mistral-7b", "llama-3.1-8b"}) {
    const ModelSpec m = shipped(name);
    std::int64_t windowed = 0;
    for (std::int64_t layer = 0; layer < m.num_layers; ++layer) windowed += layer_window_tokens(m, layer) ? 1 : 0;
    EXPECT_EQ(windowed_layer_count(m), windowed) << name;
  }
}

TEST(ModelKvCache, MistralWindowCapsEveryLayer) {
  const ModelSpec m = shipped("mistral-7b");
  EXPECT_EQ(kv_bytes_for_context(m, 10000), 4096 * kv_bytes_per_token(m));
  const ModelSpec llama = shipped("llama-3.1-8b");
  EXPECT_EQ(kv_bytes_for_context(llama, 10000), 10000 * kv_bytes_per_token(llama));
}

TEST(ModelStepCost, TinyPrefillByHand) {
  const ModelSpec m = tiny();
  const StepCost c = prefill_cost(m, 5);
  const double matmul = 2.0 * 576 * 2 * 5;
  // Token i sees min(i, window) earlier tokens and itself. Layer 0 (window 3):
  // 1+2+3+4+4 = 14 pairs; layer 1 (global): 1+2+3+4+5 = 15; 4 x heads x head_dim = 32 FLOPs a pair.
  const double attention = 32.0 * (14 + 15);
  const double lm_head = 2.0 * 8 * 10;  // last token only
  EXPECT_DOUBLE_EQ(c.flops, matmul + attention + lm_head);
  EXPECT_DOUBLE_EQ(c.flops, 12608.0);
  // KV: 2 x 1 head x 4 x 2 bytes = 16 bytes per token and layer; layer 0 keeps 3 tokens, layer 1 keeps 5.
  EXPECT_EQ(c.kv_write_bytes, (3 + 5) * 16);
  EXPECT_EQ(c.kv_read_bytes, 0);
  // All weights, but only 5 of the 10 embedding rows are gathered.
  EXPECT_EQ(c.weight_bytes, 2 * 1352 - 2 * 80 + 5 * 2 * 8);
}

TEST(ModelStepCost, TinyDecodeByHand) {
  const ModelSpec m = tiny();
  const StepCost c = decode_cost(m, 5, 2);
  // Per sequence: matmuls 2 x 576 x 2 layers; attention to min(5, 3) + 1 keys in layer 0 and 6 in layer 1.
  const double per_sequence = 2.0 * 576 * 2 + 32.0 * (4 + 6) + 2.0 * 8 * 10;
  EXPECT_DOUBLE_EQ(c.flops, 2 * per_sequence);
  EXPECT_EQ(c.kv_read_bytes, 2 * (3 + 5) * 16);
  EXPECT_EQ(c.kv_write_bytes, 2 * 2 * 16);
  EXPECT_EQ(c.weight_bytes, 2 * 1352 - 2 * 80 + 2 * 2 * 8);
}

TEST(ModelStepCost, DecodeBatchOfTwoReadsWeightsOnceAndKvTwice) {
  const ModelSpec m = shipped("gemma-2-9b");  // tied embeddings: the LM head reads the whole table
  const StepCost one = decode_cost(m, 1000, 1);
  const StepCost two = decode_cost(m, 1000, 2);
  EXPECT_EQ(two.weight_bytes, weight_bytes(m));
  EXPECT_EQ(two.kv_read_bytes, 2 * kv_bytes_for_context(m, 1000));
  EXPECT_EQ(two.kv_write_bytes, 2 * kv_bytes_per_token(m));
  EXPECT_EQ(two.bytes(), weight_bytes(m) + 2 * kv_bytes_for_context(m, 1000) + 2 * kv_bytes_per_token(m));
  EXPECT_DOUBLE_EQ(two.flops, 2 * one.flops);
}

TEST(ModelStepCost, UntiedEmbeddingIsGatheredNotStreamed) {
  const ModelSpec m = shipped("llama-3.1-8b");
  const std::int64_t row_bytes = 4096 * 2;
  EXPECT_EQ(step_weight_bytes(m, 2), weight_bytes(m) - embedding_weight_bytes(m) + 2 * row_bytes);
  EXPECT_EQ(step_weight_bytes(m, 1'000'000), weight_bytes(m));  // at most the whole table
}

TEST(ModelStepCost, RejectsEmptyPromptAndBatch) {
  const ModelSpec m = tiny();
  EXPECT_THROW(prefill_cost(m, 0), std::invalid_argument);
  EXPECT_THROW(decode_cost(m, 5, 0), std::invalid_argument);
  EXPECT_THROW(decode_cost(m, -1, 1), std::invalid_argument);
}

TEST(ModelLoad, SetOverridesApplyBeforeLoading) {
  config::ConfigDoc doc = config::ConfigDoc::load(kModelsDir / "llama-3.1-8b.yaml");
  doc.set_from_text("kv_dtype=fp8");
  const ModelSpec m = load_model(doc);
  EXPECT_EQ(kv_bytes_per_token(m), 65536);
  EXPECT_EQ(weight_bytes(m), 2 * parameter_count(m));
}

TEST(ModelLoad, SetOverrideErrorNamesTheOverride) {
  config::ConfigDoc doc = config::ConfigDoc::load(kModelsDir / "llama-3.1-8b.yaml");
  doc.set_from_text("num_layers=many");
  const config::ConfigError e = testing::expect_config_error([&] { load_model(doc); });
  EXPECT_EQ(e.file(), "--set");
  EXPECT_EQ(e.field(), "num_layers");
}

TEST(ModelLoad, UnknownKeyNamesFileLineAndField) {
  const fs::path file = kFixtures / "unknown_key.yaml";
  const auto e = load_error(file);
  EXPECT_EQ(e.file(), file.string());
  EXPECT_EQ(e.line(), 13);
  EXPECT_EQ(e.field(), "vocab_sise");
}

TEST(ModelLoad, TextForANumberNamesFileLineAndField) {
  const fs::path file = kFixtures / "wrong_type.yaml";
  const auto e = load_error(file);
  EXPECT_EQ(e.file(), file.string());
  EXPECT_EQ(e.line(), 7);
  EXPECT_EQ(e.field(), "hidden_size");
}

TEST(ModelLoad, ZeroHiddenSizeIsOutOfRange) {
  const fs::path file = kFixtures / "zero_hidden_size.yaml";
  const auto e = load_error(file);
  EXPECT_EQ(e.file(), file.string());
  EXPECT_EQ(e.line(), 7);
  EXPECT_EQ(e.field(), "hidden_size");
  EXPECT_NE(e.reason().find("out of range"), std::string::npos) << e.what();
}

TEST(ModelLoad, NegativeHiddenSizeInADerivedFileNamesTheDerivedFile) {
  const fs::path file = kFixtures / "negative_hidden_size.yaml";
  const auto e = load_error(file);
  EXPECT_EQ(e.file(), file.string());
  EXPECT_EQ(e.line(), 4);
  EXPECT_EQ(e.field(), "hidden_size");
}

TEST(ModelLoad, KvHeadsMustDivideHeads) {
  const fs::path file = kFixtures / "kv_heads_not_dividing.yaml";
  const auto e = load_error(file);
  EXPECT_EQ(e.file(), file.string());
  EXPECT_EQ(e.line(), 9);
  EXPECT_EQ(e.field(), "num_kv_heads");
}

TEST(ModelLoad, MissingFileNamesTheFile) {
  const fs::path file = kFixtures / "no_such_model.yaml";
  const auto e = load_error(file);
  EXPECT_EQ(e.file(), file.string());
  EXPECT_EQ(e.line(), 0);
  EXPECT_EQ(e.field(), "");
}

TEST(ModelSchema, DescribesEveryField) {
  const std::string text = config::describe(model_schema());
  for (const auto& f : model_schema().fields) EXPECT_NE(text.find(f.name), std::string::npos) << f.name;
}

}  // namespace
}  // namespace coesim::llm
