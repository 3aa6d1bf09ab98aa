#pragma once
// The embedders a router file may name (embedder.kind), each with the
// embedder settings it reads and its factory: the router schema's choices
// and help, the check that no setting of the other kind is given, and
// make_embedder all come from here.
#include <memory>

#include "sim/coe/embedder.h"
#include "sim/coe/router_config.h"
#include "sim/config/kind_registry.h"

namespace coesim::coe {

struct EmbedderKind {
  config::KindInfo info;  // settings: beyond `dimension`, which every kind takes
  std::unique_ptr<Embedder> (*make)(const RouterConfig&) = nullptr;
};

const config::KindRegistry<EmbedderKind>& embedder_registry();

}  // namespace coesim::coe
