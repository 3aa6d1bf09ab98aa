// `coesim run` as a user drives it: --set at every level (experiment fields, fields of the
// platform file (after the experiment's own platform_set: the later one wins
// per field) and of every expert's model file; a bad path is exit 2 naming
// the --set and the field; the README's sweep example runs here), and what a
// run says on stderr and in its notes (overload, routing).
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/cli_runner.h"

namespace coesim {
namespace {

using testing::run_cli;

double mean_switch_wait_s(const std::string& args,
                          const std::string& experiment = "tests/data/experiments/valid.yaml") {
  const auto r = run_cli("run " + experiment + " --json " + args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  if (r.exit_code != 0) return 0;
  const auto j = nlohmann::json::parse(r.out);
  return j["summary"]["switch_wait_s"]["mean"].get<double>();
}

TEST(RunSetCli, PlatformFieldsSweepFromTheCommandLine) {
  // The README's example, as written there: a DDR->HBM bandwidth sweep on the
  // SN40L node without editing files.
  const auto wait_s = [](const std::string& bandwidth) {
    return mean_switch_wait_s("--set \"platform.links.ddr_to_hbm.bandwidth_bytes_per_s=" + bandwidth + "\"",
                              "results/samba-coe/sn40l-node.yaml");
  };
  const double slow = wait_s("100 GB/s");
  const double base = wait_s("200 GB/s");
  const double fast = wait_s("400 GB/s");
  EXPECT_NEAR(slow, 2 * base, 1e-9);  // the copy is link-bound at 100 and 200 GB/s
  EXPECT_EQ(fast, base);              // past 200 GB/s the DDR tier's own 200 GB/s bounds it
  EXPECT_GT(base, 0);
}

TEST(RunSetCli, TheCommandLineWinsOverTheExperimentsPlatformSet) {
  const double file_only = mean_switch_wait_s("--set 'platform_set={links.pcie.bandwidth_bytes_per_s: 5 GB/s}'");
  const double both = mean_switch_wait_s(
      "--set 'platform_set={links.pcie.bandwidth_bytes_per_s: 5 GB/s}' "
      "--set 'platform.links.pcie.bandwidth_bytes_per_s=20 GB/s'");
  const double cli_only = mean_switch_wait_s("--set 'platform.links.pcie.bandwidth_bytes_per_s=20 GB/s'");
  EXPECT_GT(file_only, both);
  EXPECT_DOUBLE_EQ(both, cli_only);
}

TEST(RunSetCli, ModelFieldsReachEveryExpert) {
  const auto r = run_cli("run tests/data/experiments/valid.yaml --json --set model.max_context_tokens=16");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["summary"]["rejected"], j["summary"]["requests"]);  // 128 + 20 tokens > 16
  EXPECT_EQ(j["summary"]["context_rejected"], j["summary"]["requests"]);
}

// A section the file leaves out (all defaults) can be set into; a misspelt
// one is an unknown key, blamed on the --set that wrote it.
TEST(RunSetCli, ASectionTheFileLeavesOutCanBeSet) {
  const auto r = run_cli("run results/samba-coe/sn40l-node.yaml --json --set memory.workspace_bytes=1GB");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto base = run_cli("run results/samba-coe/sn40l-node.yaml --json");
  EXPECT_GT(nlohmann::json::parse(r.out)["peak_fast_tier_used_bytes_per_device"].get<double>(),
            nlohmann::json::parse(base.out)["peak_fast_tier_used_bytes_per_device"].get<double>());
  const auto typo = run_cli("run results/samba-coe/sn40l-node.yaml --set memroy.workspace_bytes=1GB");
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_NE(typo.err.find("--set: field 'memroy': unknown key 'memroy'"), std::string::npos) << typo.err;
}

TEST(RunSetCli, ABadPlatformPathNamesTheSetAndTheField) {
  const auto r = run_cli("run tests/data/experiments/valid.yaml --set platform.links.pcie.bandwith=1");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--set platform"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("bandwith"), std::string::npos) << r.err;
}

// A load the platform cannot serve is called out, with its figures, on
// stderr and in the notes; --quiet keeps stderr clean but not the notes.
TEST(RunCli, AnOverloadedRunSaysSo) {
  const std::string overload =
      "run results/samba-coe/sn40l-node.yaml --set workload.kind=poisson --set workload.rate_per_s=50 "
      "--set workload.requests=5000";
  const auto loud = run_cli(overload);
  ASSERT_EQ(loud.exit_code, 0) << loud.err;
  EXPECT_NE(loud.err.find("warning: overloaded"), std::string::npos) << loud.err;
  const auto quiet = run_cli(overload + " --quiet --json");
  EXPECT_EQ(quiet.err.find("overloaded"), std::string::npos) << quiet.err;
  bool noted = false;
  const auto quiet_json = nlohmann::json::parse(quiet.out);
  for (const auto& n : quiet_json["notes"])
    noted = noted || n.get<std::string>().find("overloaded") != std::string::npos;
  EXPECT_TRUE(noted);
  const auto fine = run_cli("run results/samba-coe/sn40l-node.yaml --set workload.requests=40");
  EXPECT_EQ(fine.err.find("overloaded"), std::string::npos) << fine.err;
  // 400 requests at one instant queue for a minute by design: not an overload.
  const auto burst = run_cli("run results/samba-coe/dgx-h100-paper.yaml --set scheduler.batch_size=4 --json");
  ASSERT_EQ(burst.exit_code, 0) << burst.err;
  EXPECT_GT(nlohmann::json::parse(burst.out)["summary"]["queueing_s"]["mean"].get<double>(), 10.0);
  EXPECT_EQ(burst.err.find("overloaded"), std::string::npos) << burst.err;
}

// A routed replay says where routing sent the requests.
TEST(RunCli, ARoutedReplaySummarisesRouting) {
  const auto r = run_cli("run tests/data/experiments/trace_modulo.yaml --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  bool routed = false;
  const auto j = nlohmann::json::parse(r.out);
  for (const auto& n : j["notes"])
    routed = routed || n.get<std::string>().starts_with("routing: 20 requests routed onto");
  EXPECT_TRUE(routed) << r.out;
}

}  // namespace
}  // namespace coesim
