#pragma once
// An experts file (workloads/coe/experts*.yaml): the categories, the expert
// LLMs with their parameter counts, the score of every expert on every
// category (the MILP's C = -score) and the table that maps a router's category
// names onto these categories. Parameter counts come from the expert's models/
// file through sim/llm/model_size, so no size is typed twice.
//
// Scores are a list with one entry per category, each a map expert -> score:
//   scores:
//     - category: coding_debugging
//       by_expert:
//         gemma-2-9b-it: 3.67  # [wb] ...
// Every (category, expert) pair needs a finite score. A bad file fails with a
// ConfigError naming file, line and field.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "sim/coe/expert_mapping.h"
#include "sim/config/config_doc.h"

namespace coesim::coe {

struct ExpertCategory {
  std::string name;
  std::string description;
  double weight = 1;  // relative share of prompts; normalised over categories
};

struct ExpertEntry {
  std::string name;
  std::string description;
  std::filesystem::path model_file;  // resolved; empty when only `params` is given
  std::string scores_measured_on;    // the model the scores were measured on, if a proxy
  double params = 0;                 // from the model file, or the `params` override
  bool params_overridden = false;
};

struct ExpertsConfig {
  std::string file;
  std::string name;
  std::string description;
  std::map<std::string, std::string> sources;
  std::vector<ExpertCategory> categories;
  std::vector<ExpertEntry> experts;
  std::vector<std::vector<double>> scores;          // scores[k][m], in categories x experts order
  std::map<std::string, std::string> category_map;  // router category -> category

  MappingProblem problem() const;
  // The category a router's label is scored as: itself if it is one, else via category_map.
  // Throws config::UsageError when neither knows it.
  std::size_t scoring_category(const std::string& router_category) const;
};

ExpertsConfig load_experts(const std::filesystem::path& file);
ExpertsConfig load_experts(const config::ConfigDoc& doc);

}  // namespace coesim::coe
