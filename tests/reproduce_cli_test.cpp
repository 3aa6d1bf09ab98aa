// A run's summary.json reproduces the run: `coesim run --reproduce` reruns
// its resolved experiment (every --set folded in, paths rebased) and must
// give the same bytes; the resolved experiment printed by --print-config
// runs on its own from any directory; a changed input or a file that is not
// a summary is refused (exit 2, naming it).
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/cli_runner.h"
#include "tests/test_support.h"

namespace coesim {
namespace {

using testing::run_cli;
using testing::slurp;

// The experiment extends a base file, and --set reaches the experiment, the
// platform and the models: everything the resolved experiment must carry.
const std::string kSetsOnEveryLevel =
    "--set scheduler.batch_size=4 --set 'platform.links.pcie.bandwidth_bytes_per_s=100 GB/s' "
    "--set model.max_context_tokens=140 --set workload.requests=60";

TEST(ReproduceCli, TheResolvedConfigGivesAByteIdenticalSummary) {
  const auto dir = testing::fresh_temp_dir("identical");
  const auto first = run_cli("run results/samba-coe/dgx-h100-paper.yaml " + kSetsOnEveryLevel + " --quiet --out '" +
                             (dir / "first").string() + "'");
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const std::string recorded = slurp(dir / "first" / "summary.json");
  const auto j = nlohmann::json::parse(recorded);
  EXPECT_EQ(j["file"], "results/samba-coe/dgx-h100-paper.yaml");  // the file run, not the base it extends
  EXPECT_GT(j["summary"]["context_rejected"].get<int>(), 0);      // the model --set took effect
  const std::string yaml = j["provenance"]["experiment_yaml"];
  EXPECT_NE(yaml.find("links.pcie.bandwidth_bytes_per_s: 100 GB/s"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("max_context_tokens: 140"), std::string::npos) << yaml;

  const auto again = run_cli("run --reproduce '" + (dir / "first" / "summary.json").string() + "' --out '" +
                             (dir / "again").string() + "'");
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find("byte-identical"), std::string::npos) << again.err;
  EXPECT_EQ(slurp(dir / "again" / "summary.json"), recorded);
}

TEST(ReproduceCli, AChangedResultIsReportedWithItsPath) {
  const auto dir = testing::fresh_temp_dir("changed-result");
  ASSERT_EQ(run_cli("run results/samba-coe/sn40l-node.yaml --set workload.requests=20 --quiet --out '" +
                    (dir / "first").string() + "'")
                .exit_code,
            0);
  auto j = nlohmann::json::parse(slurp(dir / "first" / "summary.json"));
  j["summary"]["finished"] = 19;  // as if the simulation had given another number
  std::ofstream(dir / "edited.json") << j.dump(2) << "\n";
  const auto r = run_cli("run --reproduce '" + (dir / "edited.json").string() + "' --quiet");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("/summary/finished"), std::string::npos) << r.err;
}

TEST(ReproduceCli, ThePrintedConfigRunsFromAnotherDirectory) {
  // An experiment in a temporary directory extending one under results/: its
  // base's paths are relative to results/samba-coe, the resolved ones to here.
  const auto dir = testing::fresh_temp_dir("elsewhere");
  const auto base =
      std::filesystem::absolute(std::filesystem::path(COESIM_SOURCE_DIR) / "results/samba-coe/dgx-h100-paper.yaml");
  std::ofstream(dir / "derived.yaml") << "extends: " << base.string() << "\nset:\n  workload.requests: 30\n";
  const auto printed = run_cli("run '" + (dir / "derived.yaml").string() + "' --print-config " + kSetsOnEveryLevel);
  ASSERT_EQ(printed.exit_code, 0) << printed.err;
  std::ofstream(dir / "resolved.yaml") << printed.out;
  const auto from_file = run_cli("run '" + (dir / "derived.yaml").string() + "' --json --quiet " + kSetsOnEveryLevel);
  const auto from_resolved = run_cli("run '" + (dir / "resolved.yaml").string() + "' --json --quiet");
  ASSERT_EQ(from_file.exit_code, 0) << from_file.err;
  ASSERT_EQ(from_resolved.exit_code, 0) << from_resolved.err;
  const auto a = nlohmann::json::parse(from_file.out);
  const auto b = nlohmann::json::parse(from_resolved.out);
  EXPECT_EQ(a["summary"], b["summary"]);
  EXPECT_EQ(a["provenance"]["experiment_yaml"], b["provenance"]["experiment_yaml"]);
  EXPECT_EQ(a["provenance"]["platform_yaml"], b["provenance"]["platform_yaml"]);
}

TEST(ReproduceCli, AChangedInputIsRefusedNamingIt) {
  const auto dir = testing::fresh_temp_dir("changed-input");
  const auto experiment = dir / "experiment.yaml";
  const auto source = std::filesystem::absolute(COESIM_SOURCE_DIR);
  std::filesystem::copy_file(source / "tests/data/experiments/small_model.yaml", dir / "model.yaml");
  std::ofstream(experiment) << "name: copy\nplatform: "
                            << (source / "tests/data/experiments/small_platform.yaml").string()
                            << "\nexperts:\n  model: model.yaml\n  count: 3\nworkload:\n  kind: burst\n  requests: 5\n";
  ASSERT_EQ(run_cli("run '" + experiment.string() + "' --quiet --out '" + (dir / "first").string() + "'").exit_code, 0);
  std::ofstream(dir / "model.yaml", std::ios::app) << "# edited after the run\n";
  const auto r = run_cli("run --reproduce '" + (dir / "first" / "summary.json").string() + "'");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("model.yaml changed since the run"), std::string::npos) << r.err;
}

TEST(ReproduceCli, AFileThatIsNotASummaryIsBadInput) {
  const auto broken = testing::write_temp_file("broken-summary.json", "{\n  \"file\": \"x.yaml\",\n  oops\n}\n");
  const auto r = run_cli("run --reproduce '" + broken.string() + "'");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("broken-summary.json:3:"), std::string::npos) << r.err;
  const auto bare = testing::write_temp_file("bare-summary.json", "{\"file\": \"x.yaml\"}\n");
  const auto b = run_cli("run --reproduce '" + bare.string() + "'");
  EXPECT_EQ(b.exit_code, 2);
  EXPECT_NE(b.err.find("provenance.experiment_yaml"), std::string::npos) << b.err;
  const auto both = run_cli("run results/samba-coe/sn40l-node.yaml --reproduce '" + bare.string() + "'");
  EXPECT_EQ(both.exit_code, 2);
  // Valid JSON syntax whose number no double holds (fuzz recorded_run/crash-3132, -8161, -d543).
  const auto huge = testing::write_temp_file("huge-summary.json", "{\"file\": \"x.yaml\", \"n\": 9.14e588}\n");
  const auto h = run_cli("run --reproduce '" + huge.string() + "'");
  EXPECT_EQ(h.exit_code, 2) << h.err;
  EXPECT_NE(h.err.find("huge-summary.json: not JSON: "), std::string::npos) << h.err;
  const auto neither = run_cli("run");
  EXPECT_EQ(neither.exit_code, 2);
  EXPECT_NE(neither.err.find("--reproduce"), std::string::npos) << neither.err;
}

}  // namespace
}  // namespace coesim
