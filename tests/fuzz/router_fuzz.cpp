// Fuzz target: router files (sim/coe/router_config.h). The bytes are written
// as workloads/coe/fuzz-input.yaml in the fuzz sandbox, where the shipped
// routers' `../prompts/...` banks resolve. Only the file is parsed and
// checked; building the router (embedding a whole bank) is not parsing.
#include <cstddef>
#include <cstdint>

#include "sim/coe/router_config.h"
#include "sim/config/config_doc.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace coesim;
  const auto file = fuzz::write_in_sandbox("workloads/coe/fuzz-input.yaml", fuzz::as_text(data, size));
  fuzz::expect_clean_failure([&] { coe::load_router_config(config::ConfigDoc::load(file)); });
  return 0;
}
