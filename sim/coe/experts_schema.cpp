#include "sim/coe/experts_schema.h"

#include "sim/config/field_builders.h"

namespace coesim::coe {
namespace {

using namespace config;

Schema category_schema() {
  Schema s;
  s.name = "category";
  s.help = "one prompt category the router can produce";
  s.fields = {
      required(field("name", FieldKind::String, "category name, as the router labels prompts")),
      field("description", FieldKind::String, "what the category holds, e.g. the benchmark category it is scored by"),
      with_default(non_negative(field("weight", FieldKind::Number,
                                      "relative share of prompts in this category; weights are normalised, and "
                                      "they weight the objective, expected score and average active params")),
                   "1"),
  };
  return s;
}

Schema expert_schema() {
  Schema s;
  s.name = "expert";
  s.help = "one expert LLM; give `model` (params computed from it), `params`, or both (params wins)";
  s.fields = {
      required(field("name", FieldKind::String, "expert name, e.g. gemma-2-27b-it")),
      field("description", FieldKind::String, "one line about the expert"),
      field("model", FieldKind::String,
            "models/*.yaml file of its architecture, relative to this file; its parameter count comes from "
            "sim/llm model_size"),
      positive(field("params", FieldKind::Number, "parameter count override (cite its source)")),
      field("scores_measured_on", FieldKind::String,
            "the model the scores were measured on when it is not this expert (a proxy)"),
  };
  return s;
}

Schema score_row_schema() {
  Schema s;
  s.name = "score row";
  s.help = "the scores of every expert on one category (higher is better)";
  s.fields = {
      required(field("category", FieldKind::String, "a category name from `categories`")),
      required(field("by_expert", FieldKind::StringMap, "expert name -> finite score, one per expert")),
  };
  return s;
}

Schema build() {
  static const Schema category = category_schema();
  static const Schema expert = expert_schema();
  static const Schema score_row = score_row_schema();
  Schema s;
  s.name = "experts";
  s.help =
      "categories, expert LLMs and their per-category scores for the CoE category-to-expert MILP "
      "(workloads/coe/experts*.yaml)";
  s.fields = {
      required(field("name", FieldKind::String, "name of this expert set")),
      field("description", FieldKind::String, "one line about it"),
      required(field("sources", FieldKind::StringMap,
                     "citation key -> source; every number cites a key in a trailing comment")),
      required(nested("categories", FieldKind::List, category, "the categories, in output order")),
      required(nested("experts", FieldKind::List, expert, "the candidate experts, in output order")),
      required(nested("scores", FieldKind::List, score_row, "one row per category: expert -> score")),
      field("category_map", FieldKind::StringMap,
            "router category -> category of this file, for routers whose labels differ (e.g. MT-Bench's 'stem')"),
  };
  return s;
}

}  // namespace

const config::Schema& experts_schema() {
  static const config::Schema schema = build();
  return schema;
}

}  // namespace coesim::coe
