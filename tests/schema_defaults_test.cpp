// The serving structs' defaults (what code that builds a setup gets) are
// written once, as member initialisers, and the schema reads them from
// there; this checks the loader's side: an experiment with only its
// required fields loads into a setup whose every defaulted setting equals a
// default-constructed one.
#include <gtest/gtest.h>

#include "sim/config/config_doc.h"
#include "sim/coe/router_config.h"
#include "sim/experiment/experiment.h"
#include "tests/test_support.h"

namespace coesim {
namespace {

TEST(SchemaDefaults, AServingSetupBuiltInCodeIsAnExperimentThatSaysNothing) {
  const config::ConfigDoc doc = config::ConfigDoc::parse(
      "name: defaults\nplatform: " + testing::data_path("experiments/small_platform.yaml").string() +
          "\nexperts:\n  model: " + testing::data_path("experiments/small_model.yaml").string() +
          "\n  count: 2\nworkload:\n  kind: burst\n",
      "defaults.yaml");
  const auto x = experiment::load_experiment(doc);
  const serving::ServingSetup& loaded = x->setup;
  const serving::ServingSetup code;
  EXPECT_EQ(loaded.scheduler.kind, code.scheduler.kind);
  EXPECT_EQ(loaded.scheduler.batch_size, code.scheduler.batch_size);
  EXPECT_EQ(loaded.scheduler.max_batch_tokens, code.scheduler.max_batch_tokens);
  EXPECT_EQ(loaded.scheduler.max_wait_s, code.scheduler.max_wait_s);
  EXPECT_EQ(loaded.eviction.policy, code.eviction.policy);
  EXPECT_EQ(loaded.prefetch, code.prefetch);
  EXPECT_EQ(loaded.workspace_bytes_per_device, code.workspace_bytes_per_device);
  EXPECT_EQ(loaded.kv_block_tokens, code.kv_block_tokens);
  EXPECT_EQ(loaded.kv_preemption, code.kv_preemption);
  EXPECT_EQ(loaded.dispatcher, code.dispatcher);
  EXPECT_EQ(loaded.nodes, code.nodes);
  EXPECT_EQ(loaded.placement, code.placement);
  EXPECT_EQ(loaded.context_limit, code.context_limit);
  EXPECT_EQ(loaded.record_token_times, code.record_token_times);
  EXPECT_EQ(loaded.coalesce_decode_runs, code.coalesce_decode_runs);
  EXPECT_EQ(loaded.link_bucket_s, code.link_bucket_s);
  const experiment::WorkloadSpec spec;
  EXPECT_EQ(x->workload.kind, spec.kind);
  EXPECT_EQ(x->workload.requests, spec.requests);
  EXPECT_EQ(x->workload.input_tokens, spec.input_tokens);
  EXPECT_EQ(x->workload.output_tokens, spec.output_tokens);
  EXPECT_EQ(x->workload.popularity, spec.popularity);
  EXPECT_EQ(x->workload.zipf_alpha, spec.zipf_alpha);
  EXPECT_EQ(x->workload.seed, spec.seed);
}

TEST(SchemaDefaults, TheHashedTfidfEmbedderBuiltInCodeIsARouterThatSaysNothing) {
  config::ConfigDoc doc = config::ConfigDoc::load(testing::source_path("workloads/coe/router-mt-bench.yaml"));
  doc.set_from_text("embedder={kind: hashed-tfidf}", "--set");
  const coe::RouterConfig loaded = coe::load_router_config(doc);
  const coe::HashedTfidfOptions code;
  EXPECT_EQ(loaded.tfidf.dimension, code.dimension);
  EXPECT_EQ(loaded.tfidf.word_ngram_min, code.word_ngram_min);
  EXPECT_EQ(loaded.tfidf.word_ngram_max, code.word_ngram_max);
  EXPECT_EQ(loaded.tfidf.char_ngram_min, code.char_ngram_min);
  EXPECT_EQ(loaded.tfidf.char_ngram_max, code.char_ngram_max);
  EXPECT_EQ(loaded.tfidf.seed, code.seed);
}

}  // namespace
}  // namespace coesim
