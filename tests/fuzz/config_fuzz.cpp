// Fuzz entry point for the config parsers: arbitrary bytes are parsed as a
// platform file, a model file, a router file, an experts file, a prompt set (JSONL or a JSON
// array) and a quantity. Bad input must end in a
// ConfigError / UsageError / invalid_argument, never in a crash or any other
// exception (an escaping exception aborts the fuzzer, which reports it).
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "sim/coe/experts_config.h"
#include "sim/coe/prompt_set.h"
#include "sim/coe/router_config.h"
#include "sim/config/config_doc.h"
#include "sim/config/config_error.h"
#include "sim/config/quantity.h"
#include "sim/hw/platform_loader.h"
#include "sim/llm/load_model.h"

namespace {

template <typename Load>
void expect_clean_failure(const std::string& text, Load&& load) {
  try {
    load(coesim::config::ConfigDoc::parse(text, "fuzz-input"));
  } catch (const coesim::config::ConfigError&) {
  } catch (const coesim::config::UsageError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  expect_clean_failure(text, [](const coesim::config::ConfigDoc& doc) { coesim::hw::load_platform(doc); });
  expect_clean_failure(text, [](const coesim::config::ConfigDoc& doc) { coesim::llm::load_model(doc); });
  expect_clean_failure(text, [](const coesim::config::ConfigDoc& doc) { coesim::coe::load_router_config(doc); });
  expect_clean_failure(text, [](const coesim::config::ConfigDoc& doc) { coesim::coe::load_experts(doc); });
  try {
    coesim::coe::parse_prompt_set(text, "fuzz-input");
  } catch (const coesim::config::ConfigError&) {
  }
  try {
    coesim::config::parse_quantity(text, coesim::config::Unit::BytesPerS);
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
