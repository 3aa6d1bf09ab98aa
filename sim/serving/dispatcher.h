#pragma once
// Which engine an arriving request goes to, when a platform (or cluster) has
// several: a plug-in chosen by name in the experiment (`dispatcher:`). The
// cluster asks only when there is a choice, among the engines the request may
// run on (all, or its node's under partitioned placement).
#include <cstdint>
#include <memory>

#include "sim/config/kind_registry.h"
#include "sim/serving/request.h"

namespace coesim::serving {

// What a dispatcher may read of the engines, by engine index.
class DispatchView {
 public:
  virtual ~DispatchView() = default;
  virtual std::int64_t load(int engine) const = 0;       // requests given to it and not yet ended
  virtual bool holds(int engine, int expert) const = 0;  // the expert is resident there or arriving
};

class Dispatcher {
 public:
  virtual ~Dispatcher() = default;
  // One of the engines [first, first + count); count >= 2.
  virtual int choose(const Request& request, int first, int count, const DispatchView& view) = 0;
};

struct DispatcherKind {
  config::KindInfo info;
  std::unique_ptr<Dispatcher> (*make)() = nullptr;
};

const config::KindRegistry<DispatcherKind>& dispatcher_registry();

}  // namespace coesim::serving
