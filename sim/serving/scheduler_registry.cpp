// Every scheduler kind: one declaration and one list entry per file that
// defines some. A list, not self-registration from each file: the linker
// drops a static library's unreferenced registration objects (coesim::core
// is installed as one), and a list fixes the order help and schema print.
#include <stdexcept>

#include "sim/serving/scheduler.h"

namespace coesim::serving {

std::vector<SchedulerKind> sequential_scheduler_kinds();    // samba-coe, fcfs
std::vector<SchedulerKind> batching_scheduler_kinds();      // continuous, expert-grouped, round-robin
std::vector<SchedulerKind> shortest_job_scheduler_kinds();  // sjf

const config::KindRegistry<SchedulerKind>& scheduler_registry() {
  static const config::KindRegistry<SchedulerKind> registry = [] {
    std::vector<SchedulerKind> kinds;
    for (auto&& add : {sequential_scheduler_kinds, batching_scheduler_kinds, shortest_job_scheduler_kinds})
      for (SchedulerKind& k : add()) kinds.push_back(std::move(k));
    return config::KindRegistry<SchedulerKind>("scheduler", "kind", std::move(kinds));
  }();
  return registry;
}

std::unique_ptr<Scheduler> make_scheduler(const SchedulerOptions& o) {
  if (o.batch_size < 1) throw std::invalid_argument("scheduler batch size must be >= 1");
  if (o.max_batch_tokens < 1) throw std::invalid_argument("scheduler max_batch_tokens must be >= 1");
  return scheduler_registry().at(o.kind).make(o);
}

}  // namespace coesim::serving
