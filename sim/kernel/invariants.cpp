#include "sim/kernel/invariants.h"

#include <cstdlib>
#include <cstring>

namespace coesim {
namespace {

bool& flag() {
  static bool enabled = [] {
    const char* v = std::getenv("COESIM_CHECK_INVARIANTS");
    return v != nullptr && std::strcmp(v, "0") != 0 && std::strcmp(v, "") != 0;
  }();
  return enabled;
}

}  // namespace

bool invariants_enabled() { return flag(); }
void set_invariants_enabled(bool enabled) { flag() = enabled; }

}  // namespace coesim
