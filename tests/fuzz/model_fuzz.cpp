// Fuzz target: model files (sim/llm/load_model.h). The bytes are written as
// tests/data/models/fuzz-input.yaml in the fuzz sandbox (where the test
// models' `extends: tiny.yaml` resolves) and loaded with `extends` applied.
#include <cstddef>
#include <cstdint>

#include "sim/config/config_doc.h"
#include "sim/llm/load_model.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace coesim;
  const auto file = fuzz::write_in_sandbox("tests/data/models/fuzz-input.yaml", fuzz::as_text(data, size));
  fuzz::expect_clean_failure([&] { llm::load_model(config::ConfigDoc::load(file)); });
  return 0;
}
