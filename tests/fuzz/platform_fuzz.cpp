// Fuzz target: platform files (sim/hw/platform_loader.h). The bytes are
// written as hw-configs/calibrated/fuzz-input.yaml in the fuzz sandbox, where
// the calibrated platforms' `extends: ../X.yaml` and profile paths resolve,
// and loaded with `extends` and `set` applied.
#include <cstddef>
#include <cstdint>

#include "sim/config/config_doc.h"
#include "sim/hw/platform_loader.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace coesim;
  const auto file = fuzz::write_in_sandbox("hw-configs/calibrated/fuzz-input.yaml", fuzz::as_text(data, size));
  fuzz::expect_clean_failure([&] { hw::load_platform(config::ConfigDoc::load(file)); });
  return 0;
}
