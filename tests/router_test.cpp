// The CoE category router: prompt-set parsing, the hashed TF-IDF and HDF5
// embedders, k-NN probabilities and entropy (exact answers on hand-made
// vectors, and a property test against a brute-force reference), the route
// cache, semi-supervised labelling and cross-validation.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <set>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "sim/coe/category_router.h"
#include "sim/coe/cross_validation.h"
#include "sim/coe/hashed_tfidf_embedder.h"
#include "sim/coe/hdf5_embeddings.h"
#include "sim/coe/knn_router.h"
#include "sim/coe/labeling.h"
#include "sim/coe/prompt_set.h"
#include "sim/coe/router_config.h"
#include "tests/test_support.h"

namespace coesim::coe {
namespace {

using testing::data_path;
using testing::expect_config_error;
using testing::source_path;

std::filesystem::path real_prompts(const std::string& name) { return source_path("workloads/prompts") / name; }

std::filesystem::path temp_file(const std::string& name) {
  return std::filesystem::temp_directory_path() /
         (std::to_string(::getpid()) + "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name() + "-" +
          name);
}

EmbeddingMatrix rows(std::initializer_list<std::initializer_list<float>> values) {
  EmbeddingMatrix m(static_cast<Eigen::Index>(values.size()), static_cast<Eigen::Index>(values.begin()->size()));
  Eigen::Index r = 0;
  for (const auto& row : values) {
    Eigen::Index c = 0;
    for (const float v : row) m(r, c++) = v;
    m.row(r) /= m.row(r).norm();
    ++r;
  }
  return m;
}

// ---- prompt sets ---------------------------------------------------------

TEST(PromptSet, ReadsMtBenchWithItsOwnLabelsAndFirstTurn) {
  const PromptSet s = load_prompt_set(real_prompts("mt-bench-questions.jsonl"));
  ASSERT_EQ(s.prompts.size(), 80u);
  EXPECT_EQ(s.id_field, "question_id");
  EXPECT_EQ(s.text_field, "turns");
  EXPECT_EQ(s.prompts.front().id, "81");
  EXPECT_EQ(s.prompts.front().category, "writing");
  EXPECT_EQ(s.prompts.front().text.rfind("Compose an engaging travel blog post", 0), 0u);
  EXPECT_EQ(s.categories().size(), 8u);
}

TEST(PromptSet, ReadsEveryShippedFormat) {
  const PromptSet arena = load_prompt_set(real_prompts("arena-hard-v2.0-questions.jsonl"), {"", "", "subcategory"});
  EXPECT_EQ(arena.prompts.size(), 750u);
  EXPECT_EQ(arena.categories(), (std::vector<std::string>{"coding", "creative_writing", "math"}));
  const PromptSet gsm8k = load_prompt_set(real_prompts("gsm8k-test.jsonl"));
  EXPECT_EQ(gsm8k.prompts.size(), 1319u);
  EXPECT_EQ(gsm8k.id_field, "");  // no id field: line numbers
  EXPECT_EQ(gsm8k.prompts[1].id, "L2");
  EXPECT_FALSE(gsm8k.labelled());
  const PromptSet alpaca =
      load_prompt_set(real_prompts("alpaca-eval-805-instructions-with-example-outputs.json"), {"", "", "dataset"});
  EXPECT_EQ(alpaca.prompts.size(), 805u);
  EXPECT_EQ(alpaca.text_field, "instruction");
  EXPECT_EQ(alpaca.categories().size(), 5u);
  const PromptSet humaneval = load_prompt_set(real_prompts("humaneval-problems.jsonl"));
  EXPECT_EQ(humaneval.prompts.front().id, "HumanEval/0");
}

TEST(PromptSet, MalformedJsonlLineNamesItsLine) {
  const auto e = expect_config_error([] { load_prompt_set(data_path("prompts/malformed_line.jsonl")); });
  EXPECT_EQ(e.line(), 2);
  EXPECT_NE(e.file().find("malformed_line.jsonl"), std::string::npos);
  EXPECT_NE(std::string(e.what()).find("malformed JSONL"), std::string::npos) << e.what();
}

TEST(PromptSet, MissingTextFieldNamesLineAndField) {
  const auto e = expect_config_error([] { load_prompt_set(data_path("prompts/missing_text.jsonl")); });
  EXPECT_EQ(e.line(), 3);  // the blank line 2 is skipped but counted
  EXPECT_EQ(e.field(), "prompt");
}

TEST(PromptSet, NumbersTooLargeForADoubleAreBadInputNotACrash) {
  // Found by the fuzzer: the JSON parser reports these as out_of_range.
  const auto line = expect_config_error([] { parse_prompt_set("{\"prompt\": \"a\"}\n{\"prompt\": 1e999}\n", "mem"); });
  EXPECT_EQ(line.line(), 2);
  const auto array = expect_config_error([] { parse_prompt_set("[{\"prompt\": 1e999}]", "mem"); });
  EXPECT_EQ(array.line(), 1);
}

TEST(PromptSet, DuplicateIdsAndEmptyFilesAreRejected) {
  const auto dup = expect_config_error([] { load_prompt_set(data_path("prompts/duplicate_id.jsonl")); });
  EXPECT_EQ(dup.line(), 2);
  const auto empty = expect_config_error([] { load_prompt_set(data_path("prompts/empty.jsonl")); });
  EXPECT_NE(std::string(empty.what()).find("no prompts"), std::string::npos);
  const auto missing = expect_config_error([] { load_prompt_set(data_path("prompts/no_such_file.jsonl")); });
  EXPECT_NE(std::string(missing.what()).find("cannot open"), std::string::npos);
}

TEST(PromptSet, WrittenBankReadsBack) {
  const std::vector<Prompt> prompts{{"x1", "first text", "math"}, {"x2", "second \"quoted\"\ntext", "code"}};
  const auto file = temp_file("bank.jsonl");
  write_prompts_jsonl(file, prompts);
  const PromptSet back = load_prompt_set(file);
  std::filesystem::remove(file);
  ASSERT_EQ(back.prompts.size(), 2u);
  EXPECT_EQ(back.prompts[1].text, prompts[1].text);
  EXPECT_EQ(back.prompts[1].category, "code");
  EXPECT_EQ(back.prompts[0].id, "x1");
}

// ---- hashed TF-IDF -------------------------------------------------------

TEST(HashedTfidf, DeterministicUnitLengthAndCaseInsensitive) {
  HashedTfidfEmbedder e({64, 1, 2, 3, 4, 0});
  const std::vector<Prompt> p{
      {"1", "Write a Python function", ""}, {"2", "write   a python FUNCTION", ""}, {"3", "", ""}};
  const EmbeddingMatrix a = e.embed(p);
  EXPECT_EQ(a.cols(), 64);
  EXPECT_NEAR(a.row(0).norm(), 1.0F, 1e-6);
  EXPECT_TRUE(a.row(0).isApprox(a.row(1)));  // case and whitespace do not matter
  EXPECT_EQ(a.row(2).norm(), 0.0F);          // no features: a zero row
  EXPECT_TRUE(e.embed(p).isApprox(a));
}

TEST(HashedTfidf, CountsEveryNgram) {
  // "ab cd": words ab, cd and the bigram "ab cd" (3); char 3-grams of the
  // normalised 5-byte text: 3. Signed counts: |sum| <= 6, and the number of
  // features equals the sum of absolute bucket counts only without collisions.
  HashedTfidfEmbedder e({1 << 20, 1, 2, 3, 3, 0});
  const std::vector<float> c = e.term_counts("ab cd");
  float total = 0;
  for (const float v : c) total += std::abs(v);
  EXPECT_EQ(total, 6.0F);
}

TEST(HashedTfidf, IdfDownweightsFeaturesInEveryDocument) {
  HashedTfidfEmbedder e({1 << 16, 1, 1, 0, 0, 0});
  const std::vector<Prompt> bank{{"1", "common rare1", ""}, {"2", "common rare2", ""}, {"3", "common rare3", ""}};
  e.fit(bank);
  const auto bucket = [&](const std::string& word) {
    const std::vector<float> c = e.term_counts(word);
    return static_cast<std::size_t>(std::find_if(c.begin(), c.end(), [](float v) { return v != 0; }) - c.begin());
  };
  // ln((1 + 3) / (1 + 3)) + 1 = 1 and ln(4 / 2) + 1.
  EXPECT_FLOAT_EQ(e.idf()[bucket("common")], 1.0F);
  EXPECT_FLOAT_EQ(e.idf()[bucket("rare1")], static_cast<float>(std::log(2.0) + 1.0));
}

TEST(HashedTfidf, RejectsBadOptions) {
  EXPECT_THROW(HashedTfidfEmbedder({0, 1, 2, 3, 5, 0}), std::invalid_argument);
  EXPECT_THROW(HashedTfidfEmbedder({8, 2, 1, 3, 5, 0}), std::invalid_argument);
}

// ---- k-NN router ---------------------------------------------------------

TEST(KnnRouter, UniformVotesGiveExactProbabilitiesAndEntropy) {
  // Bank: three 'a' vectors near x, two 'b' vectors near y.
  const EmbeddingMatrix bank = rows({{1, 0.1F}, {1, 0.2F}, {1, 0.3F}, {0.1F, 1}, {0.2F, 1}});
  KnnRouter r(bank, {0, 0, 0, 1, 1}, {"a", "b"}, {3, NeighbourWeighting::Uniform, 1e300, "general"});
  const auto d = r.route(rows({{1, 0.25F}, {0.3F, 1}}));
  EXPECT_EQ(d[0].category, 0);
  EXPECT_FLOAT_EQ(d[0].probabilities[0], 1.0F);
  EXPECT_DOUBLE_EQ(d[0].entropy_bits, 0.0);
  // Nearest to (0.3, 1): the two 'b' rows, then (1, 0.3): 2/3 vs 1/3.
  EXPECT_EQ(d[1].category, 1);
  EXPECT_FLOAT_EQ(d[1].probabilities[1], 2.0F / 3.0F);
  EXPECT_NEAR(d[1].entropy_bits, -(2.0 / 3) * std::log2(2.0 / 3) - (1.0 / 3) * std::log2(1.0 / 3), 1e-6);
}

TEST(KnnRouter, EntropyAboveThresholdGoesToGeneral) {
  const EmbeddingMatrix bank = rows({{1, 0}, {0, 1}});
  KnnRouter r(bank, {0, 1}, {"a", "b"}, {2, NeighbourWeighting::Uniform, 0.99, "general"});
  const auto d = r.route(rows({{1, 0.5F}}));
  EXPECT_DOUBLE_EQ(d[0].entropy_bits, 1.0);  // one vote each
  EXPECT_TRUE(d[0].general());
  EXPECT_EQ(r.category_name(d[0]), "general");
  EXPECT_EQ(d[0].predicted, 0);       // tie: lower category index
  r.set_entropy_threshold_bits(1.0);  // not above: kept
  EXPECT_EQ(r.route(rows({{1, 0.5F}}))[0].category, 0);
}

TEST(KnnRouter, DistanceWeightingFavoursCloserNeighbours) {
  const EmbeddingMatrix bank = rows({{1, 0}, {0, 1}});
  KnnRouter r(bank, {0, 1}, {"a", "b"}, {2, NeighbourWeighting::Distance, 1e300, "general"});
  const EmbeddingMatrix q = rows({{0.8F, 0.6F}});  // cos 0.8 to a, 0.6 to b
  const auto d = r.route(q);
  const double wa = 1.0 / (1.0 - 0.8);
  const double wb = 1.0 / (1.0 - 0.6);
  EXPECT_NEAR(d[0].probabilities[0], wa / (wa + wb), 1e-5);
  EXPECT_EQ(d[0].category, 0);
}

TEST(KnnRouter, RejectsBadConstruction) {
  EXPECT_THROW(KnnRouter(EmbeddingMatrix(0, 2), {}, {"a"}, {}), std::invalid_argument);
  EXPECT_THROW(KnnRouter(rows({{1, 0}}), {1}, {"a"}, {}), std::invalid_argument);
  EXPECT_THROW(KnnRouter(rows({{1, 0}}), {0}, {"a"}, {0, NeighbourWeighting::Uniform, 1, "g"}), std::invalid_argument);
  KnnRouter r(rows({{1, 0}}), {0}, {"a"}, {});
  EXPECT_THROW(r.route(rows({{1, 0, 0}})), std::invalid_argument);
}

// Against a brute-force reference: sort all bank rows by (similarity desc,
// index asc), take k, count labels.
RC_GTEST_PROP(KnnRouterProperty, MatchesBruteForceAndProbabilitiesAreDistributions, ()) {
  const int n = *rc::gen::inRange(1, 40);
  const int d = *rc::gen::inRange(1, 6);
  const int categories = *rc::gen::inRange(1, 5);
  const int k = *rc::gen::inRange(1, 8);
  const double threshold = *rc::gen::inRange(0, 300) / 100.0;
  const auto component = rc::gen::inRange(-4, 5);  // small integers: ties happen
  EmbeddingMatrix bank(n, d);
  std::vector<int> labels;
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < d; ++j) bank(i, j) = static_cast<float>(*component);
    if (bank.row(i).norm() == 0) bank(i, 0) = 1;
    bank.row(i) /= bank.row(i).norm();
    labels.push_back(*rc::gen::inRange(0, categories));
  }
  EmbeddingMatrix q(1, d);
  for (int j = 0; j < d; ++j) q(0, j) = static_cast<float>(*component);
  if (q.norm() == 0) q(0, 0) = 1;
  q.row(0) /= q.row(0).norm();
  std::vector<std::string> names;
  for (int c = 0; c < categories; ++c) names.push_back("c" + std::to_string(c));
  const KnnRouter r(bank, labels, names, {k, NeighbourWeighting::Uniform, threshold, "general"});
  const RouteDecision dec = r.route(q)[0];

  const Eigen::VectorXf sims = bank * q.row(0).transpose();
  std::vector<int> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return sims(a) > sims(b); });
  std::vector<int> votes(static_cast<std::size_t>(categories), 0);
  for (int i = 0; i < std::min(k, n); ++i)
    ++votes[static_cast<std::size_t>(labels[static_cast<std::size_t>(order[static_cast<std::size_t>(i)])])];
  float sum = 0;
  for (int c = 0; c < categories; ++c) {
    RC_ASSERT(std::abs(dec.probabilities[static_cast<std::size_t>(c)] -
                       static_cast<float>(votes[static_cast<std::size_t>(c)]) / std::min(k, n)) < 1e-6F);
    sum += dec.probabilities[static_cast<std::size_t>(c)];
  }
  RC_ASSERT(std::abs(sum - 1.0F) < 1e-5F);
  RC_ASSERT(dec.entropy_bits >= 0.0);
  RC_ASSERT(dec.entropy_bits <= std::log2(static_cast<double>(categories)) + 1e-5);  // float probabilities
  RC_ASSERT(dec.general() == (dec.entropy_bits > threshold));
  const int best = static_cast<int>(std::max_element(votes.begin(), votes.end()) - votes.begin());
  RC_ASSERT(dec.predicted == best);
}

// ---- category router, cache, config ---------------------------------------

TEST(CategoryRouter, CachesByPromptId) {
  const std::vector<Prompt> bank{{"1", "integral of x squared", "math"}, {"2", "python list comprehension", "code"}};
  CategoryRouter r(std::make_unique<HashedTfidfEmbedder>(), bank, {1, NeighbourWeighting::Uniform, 1e300, "general"});
  const std::vector<Prompt> queries{
      {"q1", "integral of sin x", ""}, {"q2", "a python dict", ""}, {"q1", "ignored", ""}};
  const auto first = r.route(queries);
  EXPECT_EQ(r.knn().category_name(first[0]), "math");
  EXPECT_EQ(r.knn().category_name(first[1]), "code");
  EXPECT_EQ(r.cached(), 2u);
  EXPECT_EQ(r.cache_hits(), 1u);  // q1 again in the same batch
  const auto again = r.route(queries);
  EXPECT_EQ(r.cache_hits(), 4u);
  EXPECT_EQ(again[2].probabilities, first[0].probabilities);
}

TEST(CategoryRouter, ShippedRoutersLoadAndRouteTheirOwnBank) {
  for (const std::string name : {"mt-bench", "vicuna-bench", "arena-hard-v2", "alpaca-eval"}) {
    SCOPED_TRACE(name);
    const RouterConfig c = load_router_config(source_path("workloads/coe/router-" + name + ".yaml"));
    CategoryRouter r = CategoryRouter::from_config(c);
    // A bank prompt's nearest neighbour is itself (similarity 1).
    const auto d = r.route(std::vector<Prompt>(r.bank().begin(), r.bank().begin() + 5));
    for (const RouteDecision& x : d) EXPECT_NEAR(x.nearest_similarity, 1.0F, 1e-5);
  }
}

TEST(RouterConfig, BadFilesNameFileLineAndField) {
  const auto unknown = expect_config_error([] { load_router_config(data_path("router/unknown_key.yaml")); });
  EXPECT_EQ(unknown.line(), 6);
  EXPECT_EQ(unknown.field(), "embedder.dimensions");
  const auto weighting = expect_config_error([] { load_router_config(data_path("router/bad_weighting.yaml")); });
  EXPECT_EQ(weighting.field(), "weighting");
  const auto hdf5 = expect_config_error([] { load_router_config(data_path("router/hdf5_without_files.yaml")); });
  EXPECT_EQ(hdf5.field(), "embedder.files");
  const auto empty =
      expect_config_error([] { CategoryRouter::from_config(load_router_config(data_path("router/empty_bank.yaml"))); });
  EXPECT_NE(std::string(empty.what()).find("no prompts"), std::string::npos);
}

// ---- HDF5 embeddings -------------------------------------------------------

TEST(Hdf5Embeddings, LooksUpRowsByPromptIdAndNormalises) {
  const auto file = temp_file("emb.h5");
  EmbeddingMatrix m(3, 4);
  m << 3, 4, 0, 0, 0, 0, 2, 0, 1, 1, 1, 1;
  write_hdf5_embeddings(file, {"p0", "p1", "p2"}, m);
  const Hdf5Embeddings e({file}, 4);
  const EmbeddingMatrix out = e.embed(std::vector<Prompt>{{"p2", "", ""}, {"p0", "", ""}});
  EXPECT_FLOAT_EQ(out(0, 0), 0.5F);
  EXPECT_FLOAT_EQ(out(1, 0), 0.6F);
  EXPECT_FLOAT_EQ(out(1, 1), 0.8F);
  const auto missing = expect_config_error([&] { e.embed(std::vector<Prompt>{{"nope", "", ""}}); });
  EXPECT_NE(std::string(missing.what()).find("'nope'"), std::string::npos);
  std::filesystem::remove(file);
}

TEST(Hdf5Embeddings, DimensionMismatchNamesTheFile) {
  const auto file = temp_file("emb.h5");
  write_hdf5_embeddings(file, {"p0"}, EmbeddingMatrix::Ones(1, 4));
  const auto e = expect_config_error([&] { Hdf5Embeddings({file}, 8); });
  EXPECT_EQ(e.file(), file.string());
  EXPECT_EQ(e.field(), "embeddings");
  EXPECT_NE(std::string(e.what()).find("dimension 4 where 8"), std::string::npos) << e.what();
  const auto zero = expect_config_error([&] {
    write_hdf5_embeddings(file, {"z"}, EmbeddingMatrix::Zero(1, 4));
    Hdf5Embeddings({file}, 4);
  });
  EXPECT_NE(std::string(zero.what()).find("zero"), std::string::npos);
  const auto not_h5 = expect_config_error([] { Hdf5Embeddings({data_path("prompts/empty.jsonl")}, 4); });
  EXPECT_NE(std::string(not_h5.what()).find("HDF5"), std::string::npos);
  std::filesystem::remove(file);
}

// ---- labelling and cross-validation ---------------------------------------

TEST(Labeling, KeepsConfidentPromptsAndCountsPerCategory) {
  const std::vector<Prompt> seeds{{"s1", "integral derivative calculus", "math"},
                                  {"s2", "derivative of a polynomial", "math"},
                                  {"s3", "python function list", "code"},
                                  {"s4", "python class method", "code"}};
  CategoryRouter r(std::make_unique<HashedTfidfEmbedder>(HashedTfidfOptions{4096, 1, 1, 0, 0, 0}), seeds,
                   {2, NeighbourWeighting::Uniform, 1e300, "general"});
  const std::vector<Prompt> pool{{"p1", "the derivative of x cubed", ""},
                                 {"p2", "python list sort", ""},
                                 {"p3", "python derivative", ""},  // one vote each: 1 bit
                                 {"s1", "integral derivative calculus", ""}};
  const LabelingResult l = label_pool(r, pool, 0.5);
  EXPECT_EQ(l.pool, 4);
  EXPECT_EQ(l.kept, 3);
  EXPECT_EQ(l.bank.size(), 6u);  // 4 seeds + p1, p2 (s1 is already a seed)
  EXPECT_EQ(l.bank[4].id, "p1");
  EXPECT_EQ(l.bank[4].category, "math");
  EXPECT_EQ(l.bank[5].category, "code");
  int dropped = 0;
  for (const auto& c : l.per_category) dropped += c.dropped;
  EXPECT_EQ(dropped, 1);
}

TEST(CrossValidation, StratifiedFoldsAreBalancedAndDeterministic) {
  const PromptSet s = load_prompt_set(real_prompts("vicuna-bench-questions.jsonl"));
  const std::vector<int> folds = stratified_folds(s.prompts, 5, 7);
  EXPECT_EQ(folds, stratified_folds(s.prompts, 5, 7));
  std::map<std::string, std::vector<int>> per_label;
  for (std::size_t i = 0; i < folds.size(); ++i) {
    auto& v = per_label[s.prompts[i].category];
    v.resize(5);
    ++v[static_cast<std::size_t>(folds[i])];
  }
  for (const auto& [label, counts] : per_label)
    EXPECT_LE(*std::max_element(counts.begin(), counts.end()) - *std::min_element(counts.begin(), counts.end()), 1)
        << label;
}

TEST(CrossValidation, SeparableSetIsPerfectAndSweepIsMonotone) {
  std::vector<Prompt> prompts;
  for (int i = 0; i < 20; ++i) {
    prompts.push_back({"m" + std::to_string(i), "integral derivative calculus limit " + std::to_string(i), "math"});
    prompts.push_back({"c" + std::to_string(i), "python function compile debug " + std::to_string(i), "code"});
  }
  prompts.push_back({"x", "python function compile debug integral", "code"});
  CrossValidationOptions o;
  o.folds = 4;
  o.entropy_thresholds_bits = {0.0, 0.5, 1.0};
  const CrossValidationResult r = cross_validate(
      prompts,
      [] {
        return std::make_unique<HashedTfidfEmbedder>(HashedTfidfOptions{4096, 1, 1, 0, 0, 0});
      },
      {3, NeighbourWeighting::Uniform, 0, "general"}, o);
  EXPECT_EQ(r.prompts, 41);
  EXPECT_EQ(r.fold_accuracy.size(), 4u);
  EXPECT_GE(r.accuracy, 40.0 / 41.0);
  EXPECT_NEAR(r.majority_baseline_accuracy, 21.0 / 41.0, 0.15);
  int total = 0;
  for (const auto& row : r.confusion) total = std::accumulate(row.begin(), row.end(), total);
  EXPECT_EQ(total, 41);
  ASSERT_EQ(r.sweep.size(), 3u);
  EXPECT_GE(r.sweep[0].general_fraction, r.sweep[1].general_fraction);
  EXPECT_GE(r.sweep[1].general_fraction, r.sweep[2].general_fraction);
  EXPECT_DOUBLE_EQ(r.sweep[2].general_fraction, 0.0);  // 3 neighbours, 2 labels: at most 0.918 bits
}

TEST(CrossValidation, RejectsTooFewPromptsAndUnlabelled) {
  const auto factory = [] { return std::make_unique<HashedTfidfEmbedder>(); };
  EXPECT_THROW(cross_validate({{"1", "a", "x"}}, factory, {}, {}), std::invalid_argument);
  CrossValidationOptions two_folds;
  two_folds.folds = 2;
  EXPECT_THROW(cross_validate({{"1", "a", ""}, {"2", "b", "x"}}, factory, {}, two_folds), std::invalid_argument);
}

}  // namespace
}  // namespace coesim::coe
