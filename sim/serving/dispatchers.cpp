// The dispatchers: round-robin, least-loaded, expert-affinity. Ties go to
// the lowest engine index, so a run is the same on every machine.
#include <cstddef>

#include "sim/serving/dispatcher.h"

namespace coesim::serving {
namespace {

// In turn. One counter over the whole cluster, also under partitioned
// placement (each node's engines then take the arrivals in turn, offset by
// what the other nodes took).
class RoundRobinDispatcher : public Dispatcher {
 public:
  int choose(const Request&, int first, int count, const DispatchView&) override {
    return first + static_cast<int>(next_++ % static_cast<std::size_t>(count));
  }

 private:
  std::size_t next_ = 0;
};

// The engine with the fewest unfinished requests; with `need_expert`, only
// among those holding the request's expert (-1 when none does).
int least_loaded(const Request& r, int first, int count, const DispatchView& view, bool need_expert) {
  int best = -1;
  for (int i = first; i < first + count; ++i) {
    if (need_expert && !view.holds(i, r.expert)) continue;
    if (best < 0 || view.load(i) < view.load(best)) best = i;
  }
  return best;
}

class LeastLoadedDispatcher : public Dispatcher {
 public:
  int choose(const Request& r, int first, int count, const DispatchView& view) override {
    return least_loaded(r, first, count, view, false);
  }
};

// The least loaded engine holding the expert, else the least loaded: fewer
// switches, as long as load stays balanced enough.
class ExpertAffinityDispatcher : public Dispatcher {
 public:
  int choose(const Request& r, int first, int count, const DispatchView& view) override {
    const int holding = least_loaded(r, first, count, view, true);
    return holding >= 0 ? holding : least_loaded(r, first, count, view, false);
  }
};

template <typename D>
std::unique_ptr<Dispatcher> make() {
  return std::make_unique<D>();
}

}  // namespace

const config::KindRegistry<DispatcherKind>& dispatcher_registry() {
  static const config::KindRegistry<DispatcherKind> registry(
      "dispatcher", "dispatcher",
      {{{"round-robin", "engines in turn", {}}, make<RoundRobinDispatcher>},
       {{"least-loaded", "the engine with the fewest unfinished requests", {}}, make<LeastLoadedDispatcher>},
       {{"expert-affinity",
         "the least loaded engine holding the request's expert (resident or arriving), else the "
         "least loaded",
         {}},
        make<ExpertAffinityDispatcher>}});
  return registry;
}

}  // namespace coesim::serving
