#include "sim/coe/router_config.h"

#include "sim/coe/embedder_kinds.h"
#include "sim/config/field_builders.h"
#include "sim/config/section.h"

namespace coesim::coe {
namespace {

using namespace config;

Field integer(std::string name, std::string default_text, double min, std::string help) {
  return with_default(at_least(field(std::move(name), FieldKind::Integer, std::move(help)), min),
                      std::move(default_text));
}

const Schema& bank_schema() {
  static const Schema s{
      "bank",
      "the labelled prompts the router compares against (JSONL, or a JSON array)",
      {required(field("file", FieldKind::String, "prompt file, relative to this YAML file")),
       field("id_field", FieldKind::String,
             "record field holding the prompt id (default: detected; else line numbers)"),
       field("text_field", FieldKind::String, "record field holding the prompt text (default: detected)"),
       field("category_field", FieldKind::String, "record field holding the label (default: 'category')")}};
  return s;
}

const Schema& embedder_schema() {
  const auto& kinds = embedder_registry();
  static const HashedTfidfOptions d;  // the defaults, written once there
  static const Schema s{
      "embedder",
      "how prompts become vectors",
      {required(one_of(field("kind", FieldKind::String, kinds.help()), kinds.names())),
       at_least(field("dimension", FieldKind::Integer,
                      "vector length (hashed-tfidf: buckets, default " + default_text(d.dimension) +
                          "; hdf5: checked against the files)"),
                1),
       integer("word_ngram_min", default_text(d.word_ngram_min), 1,
               kinds.setting_help("word_ngram_min", "shortest word n-gram")),
       integer("word_ngram_max", default_text(d.word_ngram_max), 1,
               kinds.setting_help("word_ngram_max", "longest word n-gram")),
       integer("char_ngram_min", default_text(d.char_ngram_min), 0,
               kinds.setting_help("char_ngram_min", "shortest character n-gram (0: none)")),
       integer("char_ngram_max", default_text(d.char_ngram_max), 0,
               kinds.setting_help("char_ngram_max", "longest character n-gram")),
       integer("seed", default_text(d.seed), 0, kinds.setting_help("seed", "hash seed")),
       field("files", FieldKind::StringList,
             kinds.setting_help("files",
                                "files with datasets `embeddings` (float32 [n, d]) and `prompt_ids` [n], relative to "
                                "this YAML file; must cover the bank and every prompt routed"))}};
  return s;
}

const Schema& build() {
  static const Schema s{
      "router",
      "a k-NN category router with Robust-CoE's entropy threshold (workloads/coe/router-*.yaml)",
      {required(field("name", FieldKind::String, "router name")),
       field("description", FieldKind::String, "one line about it"),
       required(nested("bank", FieldKind::Map, bank_schema(), "labelled bank")),
       required(nested("embedder", FieldKind::Map, embedder_schema(), "embedder")),
       integer("k", "5", 1, "neighbours consulted"),
       with_default(one_of(field("weighting", FieldKind::String,
                                 "uniform: each neighbour one vote; distance: vote 1 / (1 - cosine similarity)"),
                           {"uniform", "distance"}),
                    "uniform"),
       non_negative(quantity("entropy_threshold_bits", Unit::None,
                             "a prompt whose class-probability entropy (bits) exceeds this goes to the general "
                             "category; absent: never")),
       with_default(field("general_category", FieldKind::String, "name of the catch-all category"), "general")}};
  return s;
}

std::string optional_text(const Section& s, std::string_view field) {
  return s.has(field) ? s.text(field) : std::string();
}

}  // namespace

const config::Schema& router_schema() { return build(); }

RouterConfig load_router_config(const std::filesystem::path& file) { return load_router_config(ConfigDoc::load(file)); }

RouterConfig load_router_config(const ConfigDoc& doc) {
  const Section s(doc, router_schema());
  RouterConfig c;
  c.name = s.text("name");
  c.file = doc.file();
  const Section bank = s.child("bank");
  c.bank_file = bank.existing_file("file");
  c.bank_fields = {optional_text(bank, "id_field"), optional_text(bank, "text_field"),
                   bank.has("category_field") ? bank.text("category_field") : "category"};
  const Section e = s.child("embedder");
  embedder_registry().check_settings_apply(e);
  c.embedder_kind = e.text("kind");
  if (c.embedder_kind == "hashed-tfidf") {
    c.tfidf.dimension = e.has("dimension") ? e.integer_as<int>("dimension") : 512;
    c.tfidf.word_ngram_min = e.integer_as<int>("word_ngram_min");
    c.tfidf.word_ngram_max = e.integer_as<int>("word_ngram_max");
    c.tfidf.char_ngram_min = e.integer_as<int>("char_ngram_min");
    c.tfidf.char_ngram_max = e.integer_as<int>("char_ngram_max");
    c.tfidf.seed = static_cast<std::uint64_t>(e.integer("seed"));
    if (c.tfidf.word_ngram_max < c.tfidf.word_ngram_min) e.fail("word_ngram_max", "below word_ngram_min");
    if (c.tfidf.char_ngram_min > 0 && c.tfidf.char_ngram_max < c.tfidf.char_ngram_min)
      e.fail("char_ngram_max", "below char_ngram_min");
  } else {
    if (!e.has("files")) e.fail("files", "kind hdf5 needs at least one file");
    for (const std::string& f : e.strings("files")) c.hdf5_files.push_back(doc.resolve_path("embedder.files", f));
    if (c.hdf5_files.empty()) e.fail("files", "kind hdf5 needs at least one file");
    c.hdf5_dimension = e.has("dimension") ? e.integer_as<int>("dimension") : 0;
  }
  c.knn.k = s.integer_as<int>("k");
  c.knn.weighting = s.text("weighting") == "distance" ? NeighbourWeighting::Distance : NeighbourWeighting::Uniform;
  if (const auto t = s.optional_number("entropy_threshold_bits")) {
    c.knn.entropy_threshold_bits = *t;
    c.has_entropy_threshold = true;
  }
  c.knn.general_category = s.text("general_category");
  return c;
}

}  // namespace coesim::coe
