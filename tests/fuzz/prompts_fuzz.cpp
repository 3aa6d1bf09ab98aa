// Fuzz target: prompt sets (sim/coe/prompt_set.h), JSONL or one JSON array,
// parsed from memory with the field names detected, and again reading no
// label (category "-"), the way trace replays read them.
#include <cstddef>
#include <cstdint>
#include <string>

#include "sim/coe/prompt_set.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace coesim;
  const std::string text = fuzz::as_text(data, size);
  fuzz::expect_clean_failure([&] { coe::parse_prompt_set(text, "fuzz-input"); });
  coe::PromptFields no_label;
  no_label.category = "-";
  fuzz::expect_clean_failure([&] { coe::parse_prompt_set(text, "fuzz-input", no_label); });
  return 0;
}
