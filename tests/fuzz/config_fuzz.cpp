// Fuzz entry point for the config parsers: arbitrary bytes are parsed as a
// platform file, a model file, a router file, an experts file, a runtime
// profile, a validation map, a prompt set (JSONL or a JSON
// array), a quantity, a trace in each import format (with and without
// skipping bad rows), and a measured-runs file. Bad input must end in a
// ConfigError / UsageError / invalid_argument, never in a crash or any other
// exception (an escaping exception aborts the fuzzer, which reports it).
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <sstream>
#include <string>

#include "sim/coe/experts_config.h"
#include "sim/coe/prompt_set.h"
#include "sim/coe/router_config.h"
#include "sim/config/config_doc.h"
#include "sim/config/config_error.h"
#include "sim/config/quantity.h"
#include "sim/hw/platform_loader.h"
#include "sim/llm/load_model.h"
#include "sim/hw/runtime_profile.h"
#include "sim/validation/measured_runs.h"
#include "sim/validation/validation_map.h"
#include "sim/workload/trace_importers.h"

namespace {

// Keeps nothing: the importers' parsing and checks are what is fuzzed.
class DiscardingTraceWriter : public coesim::workload::TraceWriter {
 public:
  void write(const coesim::workload::TraceRecord& record) override { check_order(record); }
  void close() override {}
};

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
  expect_clean_failure(text, [](const coesim::config::ConfigDoc& doc) { coesim::hw::load_runtime_profile(doc); });
  expect_clean_failure(text, [](const coesim::config::ConfigDoc& doc) { coesim::validation::load_validation_map(doc); });
  try {
    coesim::coe::parse_prompt_set(text, "fuzz-input");
  } catch (const coesim::config::ConfigError&) {
  }
  try {
    coesim::config::parse_quantity(text, coesim::config::Unit::BytesPerS);
  } catch (const std::invalid_argument&) {
  }
  try {
    std::istringstream in(text);
    coesim::validation::parse_measured_runs(in, "fuzz-input");
  } catch (const coesim::config::ConfigError&) {
  }
  for (const std::string& format : coesim::workload::trace_formats())
    for (const bool skip : {false, true}) {
      std::istringstream in(text);
      DiscardingTraceWriter out;
      try {
        coesim::workload::import_trace(in, "fuzz-input", {format, skip}, out);
      } catch (const coesim::config::ConfigError&) {
      }
    }
  return 0;
}
