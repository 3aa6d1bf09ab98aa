// The fuzz sandbox (fuzz_support.h): a temporary copy of the shipped inputs,
// so that file-reading parsers under fuzzing only ever read copies and only
// ever write inside a temporary directory.
#include "tests/fuzz/fuzz_support.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace coesim::fuzz {
namespace {

namespace fs = std::filesystem;

// Copied from the source tree, at the same relative paths.
const std::vector<std::string> kCopied = {"hw-configs", "models", "workloads/coe", "workloads/prompts", "tests/data"};
// Seeds in results/*/ name "../../hw-configs/..." and are fuzzed from
// tests/data/experiments, two levels below tests/: these links make the same
// relative paths work from there.
const std::vector<std::string> kTestsAliases = {"hw-configs", "models", "workloads"};
// Seeds that name siblings (`extends: small.yaml`, `../prompts/empty.jsonl`):
// the files of these directories (not their subdirectories) are also copied
// next to the file their target writes, so those names resolve too.
const std::vector<std::pair<std::string, std::string>> kSiblingCopies = {
    {"tests/data/hw", "hw-configs/calibrated"},
    {"tests/data/prompts", "workloads/prompts"},
    {"results/samba-coe", "tests/data/experiments"}};

class Sandbox {
 public:
  Sandbox() {
    std::string pattern = (fs::temp_directory_path() / "coesim-fuzz-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("fuzz sandbox: mkdtemp failed");
    root_ = pattern;
    const fs::path source(COESIM_SOURCE_DIR);
    for (const std::string& dir : kCopied) {
      fs::create_directories((root_ / dir).parent_path());
      fs::copy(source / dir, root_ / dir, fs::copy_options::recursive);
    }
    for (const auto& [from, to] : kSiblingCopies)
      for (const fs::directory_entry& e : fs::directory_iterator(source / from))
        if (e.is_regular_file()) fs::copy(e.path(), root_ / to / e.path().filename(), fs::copy_options::skip_existing);
    for (const std::string& dir : kTestsAliases)
      fs::create_directory_symlink(fs::path("..") / dir, root_ / "tests" / dir);
  }
  ~Sandbox() {
    std::error_code ignored;
    fs::remove_all(root_, ignored);
  }
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;

  const fs::path& root() const { return root_; }

 private:
  fs::path root_;
};

}  // namespace

const std::filesystem::path& sandbox_root() {
  static const Sandbox sandbox;
  return sandbox.root();
}

void report_outcome(const char* error) {
  static const bool verbose = std::getenv("COESIM_FUZZ_VERBOSE") != nullptr;
  if (verbose) std::fprintf(stderr, "%s\n", error == nullptr ? "parsed" : error);
}

std::filesystem::path write_in_sandbox(const std::filesystem::path& relative, std::string_view bytes) {
  const fs::path file = sandbox_root() / relative;
  fs::create_directories(file.parent_path());
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("fuzz sandbox: cannot write " + file.string());
  return file;
}

}  // namespace coesim::fuzz
