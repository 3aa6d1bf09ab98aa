#include "sim/coe/labeling.h"

#include <unordered_set>

namespace coesim::coe {

LabelingResult label_pool(CategoryRouter& router, std::span<const Prompt> pool, double entropy_threshold_bits) {
  LabelingResult r;
  r.entropy_threshold_bits = entropy_threshold_bits;
  r.bank = router.bank();
  r.seeds = static_cast<int>(r.bank.size());
  r.pool = static_cast<int>(pool.size());
  const std::vector<std::string>& categories = router.knn().categories();
  for (const std::string& c : categories) r.per_category.push_back({c, 0, 0});
  std::unordered_set<std::string> ids;
  for (const Prompt& p : r.bank) ids.insert(p.id);
  const std::vector<RouteDecision> decisions = router.route(pool);
  for (std::size_t i = 0; i < pool.size(); ++i) {
    const RouteDecision& d = decisions[i];
    LabelingCount& count = r.per_category[static_cast<std::size_t>(d.predicted)];
    if (d.entropy_bits > entropy_threshold_bits) {
      ++count.dropped;
      continue;
    }
    ++count.kept;
    ++r.kept;
    if (!ids.insert(pool[i].id).second) continue;
    Prompt labelled = pool[i];
    labelled.category = categories[static_cast<std::size_t>(d.predicted)];
    r.bank.push_back(std::move(labelled));
  }
  return r;
}

}  // namespace coesim::coe
