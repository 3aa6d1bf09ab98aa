// Fuzz target: experiment files (sim/experiment/experiment.h). The bytes are
// written as tests/data/experiments/fuzz-input.yaml in the fuzz sandbox, so the
// seeds' platform, model, trace and prompt paths resolve to the sandbox's
// copies, then loaded with `extends` resolved and checked as `coesim run` does.
#include <cstddef>
#include <cstdint>

#include "sim/config/config_doc.h"
#include "sim/experiment/experiment.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace coesim;
  const auto file = fuzz::write_in_sandbox("tests/data/experiments/fuzz-input.yaml", fuzz::as_text(data, size));
  fuzz::expect_clean_failure([&] { experiment::load_experiment(config::ConfigDoc::load(file)); });
  return 0;
}
