// `coesim run --set` at every level: experiment fields, fields of the
// platform file (after the experiment's own platform_set: the later one wins
// per field) and of every expert's model file; a bad path is exit 2 naming
// the --set and the field. The README's sweep example runs here.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/cli_runner.h"

namespace coesim {
namespace {

using testing::run_cli;

double mean_switch_wait_s(const std::string& args) {
  const auto r = run_cli("run tests/data/experiments/valid.yaml --json " + args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  if (r.exit_code != 0) return 0;
  const auto j = nlohmann::json::parse(r.out);
  return j["summary"]["switch_wait_s"]["mean"].get<double>();
}

TEST(RunSetCli, PlatformFieldsSweepFromTheCommandLine) {
  // The README's example: a host-link bandwidth sweep without editing files.
  const double slow = mean_switch_wait_s("--set 'platform.links.pcie.bandwidth_bytes_per_s=5 GB/s'");
  const double base = mean_switch_wait_s("");
  const double fast = mean_switch_wait_s("--set 'platform.links.pcie.bandwidth_bytes_per_s=20 GB/s'");
  EXPECT_GT(slow, base);
  EXPECT_GT(base, fast);
  EXPECT_GT(fast, 0);
}

TEST(RunSetCli, TheCommandLineWinsOverTheExperimentsPlatformSet) {
  const double file_only = mean_switch_wait_s("--set 'platform_set={links.pcie.bandwidth_bytes_per_s: 5 GB/s}'");
  const double both = mean_switch_wait_s("--set 'platform_set={links.pcie.bandwidth_bytes_per_s: 5 GB/s}' "
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

TEST(RunSetCli, ABadPlatformPathNamesTheSetAndTheField) {
  const auto r = run_cli("run tests/data/experiments/valid.yaml --set platform.links.pcie.bandwith=1");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--set platform"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("bandwith"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace coesim
