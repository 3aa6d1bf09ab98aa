#include "sim/coe/hashed_tfidf_embedder.h"

#include <cmath>
#include <stdexcept>
#include <string_view>

#include <fmt/format.h>
#include <xxhash.h>

namespace coesim::coe {
namespace {

bool is_word_byte(unsigned char c) { return std::isalnum(c) != 0 || c >= 0x80; }
unsigned char lower(unsigned char c) { return (c >= 'A' && c <= 'Z') ? static_cast<unsigned char>(c + 32) : c; }

// Lower-cased ASCII, whitespace runs collapsed to one space, trimmed.
std::string normalise(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  bool space = false;
  for (const unsigned char c : text) {
    if (std::isspace(c) != 0) {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(static_cast<char>(lower(c)));
  }
  return out;
}

// Word n-grams and character n-grams hash with different seeds, so "ab" the
// word and "ab" the characters are different features.
constexpr std::uint64_t kWordSeed = 0x9e3779b97f4a7c15ULL;
constexpr std::uint64_t kCharSeed = 0xc2b2ae3d27d4eb4fULL;

}  // namespace

HashedTfidfEmbedder::HashedTfidfEmbedder(HashedTfidfOptions options)
    : options_(options), idf_(static_cast<std::size_t>(std::max(options.dimension, 0)), 1.0F) {
  if (options_.dimension < 1) throw std::invalid_argument("hashed-tfidf dimension must be >= 1");
  if (options_.word_ngram_min < 1 || options_.word_ngram_max < options_.word_ngram_min)
    throw std::invalid_argument("hashed-tfidf word n-gram range must satisfy 1 <= min <= max");
  if (options_.char_ngram_min < 0 || (options_.char_ngram_min > 0 && options_.char_ngram_max < options_.char_ngram_min))
    throw std::invalid_argument("hashed-tfidf char n-gram range must satisfy 0 < min <= max, or min = 0 (off)");
}

void HashedTfidfEmbedder::add_features(const std::string& text, std::vector<float>& counts) const {
  const std::string norm = normalise(text);
  const auto dim = static_cast<std::uint64_t>(options_.dimension);
  const auto add = [&](const char* data, std::size_t size, std::uint64_t seed) {
    const std::uint64_t h = XXH3_64bits_withSeed(data, size, seed);
    counts[h % dim] += (h >> 63) != 0 ? -1.0F : 1.0F;
  };
  // Words: maximal runs of letters and digits (any non-ASCII byte counts as
  // a letter, so UTF-8 words stay whole). An n-gram is the span from its
  // first word's start to its last word's end, separators included.
  std::vector<std::pair<std::size_t, std::size_t>> words;  // [begin, end)
  for (std::size_t i = 0; i < norm.size();) {
    if (!is_word_byte(static_cast<unsigned char>(norm[i]))) {
      ++i;
      continue;
    }
    const std::size_t begin = i;
    while (i < norm.size() && is_word_byte(static_cast<unsigned char>(norm[i]))) ++i;
    words.emplace_back(begin, i);
  }
  for (int n = options_.word_ngram_min; n <= options_.word_ngram_max; ++n)
    for (std::size_t w = 0; w + static_cast<std::size_t>(n) <= words.size(); ++w) {
      const std::size_t begin = words[w].first;
      const std::size_t end = words[w + static_cast<std::size_t>(n) - 1].second;
      add(norm.data() + begin, end - begin, kWordSeed + options_.seed + static_cast<std::uint64_t>(n));
    }
  if (options_.char_ngram_min == 0) return;
  for (int n = options_.char_ngram_min; n <= options_.char_ngram_max; ++n)
    for (std::size_t i = 0; i + static_cast<std::size_t>(n) <= norm.size(); ++i)
      add(norm.data() + i, static_cast<std::size_t>(n), kCharSeed + options_.seed + static_cast<std::uint64_t>(n));
}

std::vector<float> HashedTfidfEmbedder::term_counts(const std::string& text) const {
  std::vector<float> counts(static_cast<std::size_t>(options_.dimension), 0.0F);
  add_features(text, counts);
  return counts;
}

// Smoothed idf, as if one extra document held every feature:
// ln((1 + n) / (1 + df)) + 1.
void HashedTfidfEmbedder::fit(std::span<const Prompt> bank) {
  std::vector<std::uint32_t> df(static_cast<std::size_t>(options_.dimension), 0);
  std::vector<float> counts(df.size());
  for (const Prompt& p : bank) {
    std::fill(counts.begin(), counts.end(), 0.0F);
    add_features(p.text, counts);
    for (std::size_t j = 0; j < counts.size(); ++j) df[j] += counts[j] != 0.0F ? 1 : 0;
  }
  const double n = static_cast<double>(bank.size());
  for (std::size_t j = 0; j < df.size(); ++j) idf_[j] = static_cast<float>(std::log((1.0 + n) / (1.0 + df[j])) + 1.0);
}

EmbeddingMatrix HashedTfidfEmbedder::embed(std::span<const Prompt> prompts) const {
  EmbeddingMatrix out = EmbeddingMatrix::Zero(static_cast<Eigen::Index>(prompts.size()), options_.dimension);
  std::vector<float> counts(static_cast<std::size_t>(options_.dimension));
  for (std::size_t i = 0; i < prompts.size(); ++i) {
    std::fill(counts.begin(), counts.end(), 0.0F);
    add_features(prompts[i].text, counts);
    auto row = out.row(static_cast<Eigen::Index>(i));
    for (std::size_t j = 0; j < counts.size(); ++j) {
      const float c = counts[j];
      if (c == 0.0F) continue;
      const float damped = 1.0F + std::log(std::abs(c));
      row(static_cast<Eigen::Index>(j)) = (c > 0 ? damped : -damped) * idf_[j];
    }
    const float norm = row.norm();
    if (norm > 0.0F) row /= norm;
  }
  return out;
}

std::string HashedTfidfEmbedder::description() const {
  return fmt::format("hashed-tfidf (xxh3, dimension {}, word {}-{} grams, char {}-{} grams)", options_.dimension,
                     options_.word_ngram_min, options_.word_ngram_max, options_.char_ngram_min,
                     options_.char_ngram_max);
}

}  // namespace coesim::coe
