#pragma once
// Expensive self-checks (capacity, conservation, max-min) run when the
// environment sets COESIM_CHECK_INVARIANTS=1; ctest sets it for every test,
// so every test run is also an invariant run. Off by default for speed.
namespace coesim {

bool invariants_enabled();
void set_invariants_enabled(bool enabled);

}  // namespace coesim
