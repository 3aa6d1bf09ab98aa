// Fuzz target: runtime profiles (sim/hw/runtime_profile.h). The bytes are
// written as hw-configs/profiles/fuzz-input.yaml in the fuzz sandbox and
// loaded with `extends` applied.
#include <cstddef>
#include <cstdint>

#include "sim/config/config_doc.h"
#include "sim/hw/runtime_profile.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace coesim;
  const auto file = fuzz::write_in_sandbox("hw-configs/profiles/fuzz-input.yaml", fuzz::as_text(data, size));
  fuzz::expect_clean_failure([&] { hw::load_runtime_profile(config::ConfigDoc::load(file)); });
  return 0;
}
