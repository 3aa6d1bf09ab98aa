#pragma once
// What every per-parser fuzz target shares: the rule that bad input must end
// in a ConfigError or UsageError (any other exception escapes, and libFuzzer
// reports it as a crash), and a sandbox directory for the parsers that read
// a file rather than a string.
//
// The sandbox is a temporary copy of the shipped inputs (hw-configs, models,
// workloads/coe, workloads/prompts, tests/data) made once per process and
// removed at exit. A target writes its input into the directory where the
// files it is seeded from live, so the seeds' relative paths (extends,
// platform, model files, prompt banks) resolve to the copies, and a path the
// fuzzer makes up resolves inside the temporary directory. Nothing is written
// anywhere else.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "sim/config/config_error.h"

namespace coesim::fuzz {

inline std::string as_text(const std::uint8_t* data, std::size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

// With COESIM_FUZZ_VERBOSE set, each input's outcome is printed, to check
// that the seeds reach the parser rather than fail on a path.
void report_outcome(const char* error);

// Runs `parse`; the parsers' own errors are the expected end of bad input.
template <typename Parse>
void expect_clean_failure(Parse&& parse) {
  try {
    parse();
    report_outcome(nullptr);
  } catch (const config::ConfigError& e) {
    report_outcome(e.what());
  } catch (const config::UsageError& e) {
    report_outcome(e.what());
  }
}

// The sandbox's root (created on first use).
const std::filesystem::path& sandbox_root();

// Writes `bytes` to `relative` under the sandbox (its directory created if
// needed) and returns the full path.
std::filesystem::path write_in_sandbox(const std::filesystem::path& relative, std::string_view bytes);

}  // namespace coesim::fuzz
