#pragma once
// The CoE paper's semi-supervised labelling: a router built on a small
// labelled seed set labels an unlabelled pool; only prompts it is confident
// about (class-probability entropy at or under the threshold) are kept, and
// the seeds plus the kept prompts form a new, larger labelled bank.
#include <span>
#include <string>
#include <vector>

#include "sim/coe/category_router.h"

namespace coesim::coe {

struct LabelingCount {
  std::string category;  // the router's most probable category
  int kept = 0;
  int dropped = 0;  // entropy above the threshold
};

struct LabelingResult {
  std::vector<Prompt> bank;                 // the seeds, then the kept pool prompts with their new labels
  std::vector<LabelingCount> per_category;  // one per router category, in its order
  int seeds = 0;
  int pool = 0;
  int kept = 0;
  double entropy_threshold_bits = 0;
};

// Pool prompts whose id is also a seed id are labelled like the others but
// not added twice (the seed keeps its label).
LabelingResult label_pool(CategoryRouter& router, std::span<const Prompt> pool, double entropy_threshold_bits);

}  // namespace coesim::coe
