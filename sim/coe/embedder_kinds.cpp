#include "sim/coe/embedder_kinds.h"

#include "sim/coe/hashed_tfidf_embedder.h"
#include "sim/coe/hdf5_embeddings.h"

namespace coesim::coe {

const config::KindRegistry<EmbedderKind>& embedder_registry() {
  static const config::KindRegistry<EmbedderKind> registry(
      "embedder", "kind",
      {{{"hashed-tfidf",
         "built in, no weights",
         {"word_ngram_min", "word_ngram_max", "char_ngram_min", "char_ngram_max", "seed"}},
        [](const RouterConfig& c) -> std::unique_ptr<Embedder> {
          return std::make_unique<HashedTfidfEmbedder>(c.tfidf);
        }},
       {{"hdf5", "precomputed embeddings looked up by prompt id", {"files"}},
        [](const RouterConfig& c) -> std::unique_ptr<Embedder> {
          return std::make_unique<Hdf5Embeddings>(c.hdf5_files, c.hdf5_dimension);
        }}});
  return registry;
}

}  // namespace coesim::coe
