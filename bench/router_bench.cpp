// Routing throughput: embedding + k-NN of real prompts against a 5,000-prompt
// labelled bank at dimension 512 (issue target: >= 5,000 prompts/s on one
// core). The bank is every prompt in workloads/prompts (3,598), topped
// up to 5,000 with repeats under new ids; k-NN cost depends only on the
// bank's size and dimension, not on which texts it holds. Queries are the
// same real prompts, routed without the cache.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "sim/coe/hashed_tfidf_embedder.h"
#include "sim/coe/knn_router.h"
#include "sim/coe/prompt_set.h"

namespace coesim::coe {
namespace {

std::vector<Prompt> all_prompt_sets() {
  const std::filesystem::path dir = std::filesystem::path(COESIM_SOURCE_DIR) / "workloads/prompts";
  std::vector<Prompt> out;
  for (const char* name :
       {"mt-bench-questions.jsonl", "vicuna-bench-questions.jsonl", "arena-hard-v0.1-questions-shared-400.jsonl",
        "arena-hard-v2.0-questions.jsonl", "alpaca-eval-805-instructions-with-example-outputs.json",
        "humaneval-problems.jsonl", "gsm8k-test.jsonl"}) {
    const PromptSet s = load_prompt_set(dir / name, {"", "", "-"});
    for (Prompt p : s.prompts) {
      p.id = std::string(name) + "#" + p.id;
      p.category = name;  // any label will do: only the cost is measured
      out.push_back(std::move(p));
    }
  }
  return out;
}

struct Fixture {
  std::vector<Prompt> queries = all_prompt_sets();
  std::vector<Prompt> bank;
  HashedTfidfEmbedder embedder;
  std::unique_ptr<KnnRouter> router;

  Fixture(int bank_size, int dimension) : embedder(HashedTfidfOptions{dimension, 1, 2, 3, 5, 0}) {
    for (int i = 0; i < bank_size; ++i) {
      Prompt p = queries[static_cast<std::size_t>(i) % queries.size()];
      p.id += "#" + std::to_string(i);
      bank.push_back(std::move(p));
    }
    embedder.fit(bank);
    std::vector<std::string> categories;
    std::vector<int> labels;
    for (const Prompt& p : bank) {
      auto it = std::find(categories.begin(), categories.end(), p.category);
      if (it == categories.end()) it = categories.insert(categories.end(), p.category);
      labels.push_back(static_cast<int>(it - categories.begin()));
    }
    router = std::make_unique<KnnRouter>(embedder.embed(bank), labels, categories, KnnOptions{});
  }
};

void report(benchmark::State& state, std::size_t prompts_per_iteration, int bank_size) {
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * prompts_per_iteration));
  state.counters["prompts_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * prompts_per_iteration), benchmark::Counter::kIsRate);
  state.counters["bank_prompts"] = bank_size;
}

// Embedding and k-NN together: what routing an uncached prompt costs.
void BM_RouteEmbedAndKnn(benchmark::State& state) {
  const auto bank_size = static_cast<int>(state.range(0));
  Fixture f(bank_size, static_cast<int>(state.range(1)));
  for (auto _ : state) benchmark::DoNotOptimize(f.router->route(f.embedder.embed(f.queries)));
  report(state, f.queries.size(), bank_size);
}
BENCHMARK(BM_RouteEmbedAndKnn)->Args({5000, 512})->MinTime(3.0)->Unit(benchmark::kMillisecond);

// The two parts alone, to show where the time goes.
void BM_EmbedOnly(benchmark::State& state) {
  Fixture f(100, static_cast<int>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(f.embedder.embed(f.queries));
  report(state, f.queries.size(), 100);
}
BENCHMARK(BM_EmbedOnly)->Arg(512)->Unit(benchmark::kMillisecond);

void BM_KnnOnly(benchmark::State& state) {
  const auto bank_size = static_cast<int>(state.range(0));
  Fixture f(bank_size, static_cast<int>(state.range(1)));
  const EmbeddingMatrix q = f.embedder.embed(f.queries);
  for (auto _ : state) benchmark::DoNotOptimize(f.router->route(q));
  report(state, f.queries.size(), bank_size);
}
BENCHMARK(BM_KnnOnly)->Args({5000, 512})->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace coesim::coe
BENCHMARK_MAIN();
