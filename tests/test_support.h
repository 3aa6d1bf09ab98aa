#pragma once
// Small helpers shared by the test suites: paths to shipped and fixture
// files, and the line of a marker in a file (for file/line error checks).
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#include <gtest/gtest.h>

#include "sim/config/config_error.h"

namespace coesim::testing {

inline std::filesystem::path source_path(const std::string& relative) {
  return std::filesystem::path(COESIM_SOURCE_DIR) / relative;
}

inline std::filesystem::path data_path(const std::string& relative) {
  return std::filesystem::path(COESIM_TEST_DATA_DIR) / relative;
}

// The temporaries (io::PendingFile: `.NAME.XXXXXX.tmp` beside it) that a
// writer of `file` has left in its directory.
inline int temporaries_of(const std::filesystem::path& file) {
  std::string prefix = ".";
  prefix += file.filename().string();
  prefix += '.';
  int n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(file.parent_path())) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with(prefix) && name.ends_with(".tmp")) ++n;
  }
  return n;
}

// An empty folder `name` in this process's own temporary folder, for a test
// that writes several files (removed and made afresh on each call).
inline std::filesystem::path fresh_temp_dir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("coesim-test-" + std::to_string(::getpid())) / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// Writes `bytes` to `name` in this process's own temporary folder (ctest
// runs tests in parallel processes) and returns the file's path.
inline std::filesystem::path write_temp_file(const std::string& name, const std::string& bytes) {
  const auto dir = std::filesystem::temp_directory_path() / ("coesim-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / name, std::ios::binary) << bytes;
  return dir / name;
}

// 1-based line of the first line containing `marker`, 0 if none.
inline int line_of(const std::filesystem::path& file, const std::string& marker) {
  std::ifstream in(file);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n)
    if (line.find(marker) != std::string::npos) return n;
  return 0;
}

// Runs `load` and returns the ConfigError it throws (fails the test if none).
template <typename F>
config::ConfigError expect_config_error(F&& load) {
  try {
    load();
  } catch (const config::ConfigError& e) {
    return e;
  }
  ADD_FAILURE() << "expected a ConfigError";
  return config::ConfigError("", 0, 0, "", "none thrown");
}

// A bad input file and where its error must point: the line holding
// `marker`, the dotted field, and part of the reason (parameterised tests).
struct BadFileCase {
  const char* file;
  const char* marker;
  const char* field;
  const char* reason_part;
};

// Runs `load(file)` and checks the ConfigError names that file, line, field and reason.
template <typename Load>
void expect_error_at(const std::filesystem::path& file, const BadFileCase& c, Load&& load) {
  const config::ConfigError e = expect_config_error([&] { load(file); });
  EXPECT_EQ(e.file(), file.string());
  EXPECT_EQ(e.line(), line_of(file, c.marker)) << e.what();
  EXPECT_EQ(e.field(), c.field) << e.what();
  EXPECT_NE(e.reason().find(c.reason_part), std::string::npos) << e.what();
}

// Test names from the fixture file names ("unknown_key.yaml" -> "unknown_key").
inline std::string case_name(const ::testing::TestParamInfo<BadFileCase>& info) {
  const std::string name = info.param.file;
  return name.substr(0, name.find('.'));
}

}  // namespace coesim::testing
