// Golden outputs: fresh runs of the cheap, deterministic studies compared with
// the outputs committed in results/, so that any change in a result shows up
// here and is explained in the commit that regenerates the study (its `run`
// script). What may differ between two builds is left out of the comparison:
// the version, the command line as typed and the wall time.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/cli_runner.h"
#include "tests/test_support.h"

namespace coesim {
namespace {

using testing::run_cli;
using testing::slurp;

// The first line where two texts differ, both versions shown.
std::string first_different_line(const std::string& committed, const std::string& fresh) {
  std::istringstream a(committed), b(fresh);
  std::string x, y;
  for (int line = 1;; ++line) {
    const bool more_a = static_cast<bool>(std::getline(a, x)), more_b = static_cast<bool>(std::getline(b, y));
    if (!more_a && !more_b) return "(same lines; the ends of the files differ)";
    if (!more_a || !more_b || x != y)
      return "line " + std::to_string(line) + ":\n  committed: " + (more_a ? x : "(end)") +
             "\n  fresh:     " + (more_b ? y : "(end)");
  }
}

TEST(Golden, ExpertSwitchTableIsTheCommittedOne) {
  const auto r = run_cli("switch --all");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string committed = slurp(testing::source_path("results/expert-switch/switch-all.txt"));
  EXPECT_TRUE(r.out == committed)
      << "results/expert-switch/switch-all.txt differs from a fresh `coesim switch --all` at "
      << first_different_line(committed, r.out)
      << "\nIf the change is intended, run results/expert-switch/run and say why in the commit.";
}

// A run summary without what differs between builds or invocations.
nlohmann::json comparable(nlohmann::json summary) {
  summary.erase("wall_s");
  summary["provenance"].erase("coesim_version");
  summary["provenance"].erase("command_line");
  return summary;
}

// The arguments after `build/coesim`, less `--out DIR` (the rerun writes no
// files; the summary does not depend on it).
std::string rerun_arguments(const std::string& command_line) {
  std::istringstream in(command_line);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  std::string out;
  for (std::size_t i = 1; i < words.size(); ++i) {
    if (words[i] == "--out") {
      ++i;
      continue;
    }
    out += (out.empty() ? "" : " ") + words[i];
  }
  return out;
}

// The short Samba-CoE case the study keeps as golden outputs
// (results/samba-coe/golden, written by results/samba-coe/run).
std::vector<std::string> samba_coe_summaries() {
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(testing::source_path("results/samba-coe/golden")))
    if (e.path().extension() == ".json") files.push_back(e.path().filename().string());
  std::sort(files.begin(), files.end());
  return files;
}

class GoldenSambaCoe : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenSambaCoe, RerunGivesTheCommittedSummary) {
  const std::string file = "results/samba-coe/golden/" + GetParam();
  const nlohmann::json committed = nlohmann::json::parse(slurp(testing::source_path(file)));
  const std::string command_line = committed.at("provenance").at("command_line").get<std::string>();
  ASSERT_TRUE(command_line.starts_with("build/coesim run ")) << file << ": " << command_line;
  const auto r = run_cli(rerun_arguments(command_line));
  ASSERT_EQ(r.exit_code, 0) << command_line << "\n" << r.err;
  const nlohmann::json patch = nlohmann::json::diff(comparable(committed), comparable(nlohmann::json::parse(r.out)));
  EXPECT_TRUE(patch.empty()) << file << " differs from a fresh `" << command_line
                             << "`; first change: " << patch[0].dump() << " (" << patch.size()
                             << " in all).\nIf the change is intended, run results/samba-coe/run and say why in the "
                                "commit.";
}

INSTANTIATE_TEST_SUITE_P(Committed, GoldenSambaCoe, ::testing::ValuesIn(samba_coe_summaries()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param.substr(0, info.param.size() - 5);
                           for (char& c : name)
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           return name;
                         });

}  // namespace
}  // namespace coesim
