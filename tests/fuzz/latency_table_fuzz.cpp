// Fuzz target: measured latency tables (sim/serving/latency_table.h). The
// bytes are written as hw-configs/tables/fuzz-input.yaml in the fuzz sandbox
// and loaded from there.
#include <cstddef>
#include <cstdint>

#include "sim/serving/latency_table.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace coesim;
  const auto file = fuzz::write_in_sandbox("hw-configs/tables/fuzz-input.yaml", fuzz::as_text(data, size));
  fuzz::expect_clean_failure([&] { serving::load_latency_table(file); });
  return 0;
}
