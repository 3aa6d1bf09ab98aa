
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/cli_runner.h"
#include "tests/test_support.h"

namespace coesim {
namespace {

using testing::CliResult;
using testing::run_cli;
using testing::slurp;

TEST(Cli, SwitchJsonReportsTimeBandwidthAndBottleneck) {
  const CliResult r =
      run_cli("switch --hw hw-configs/sn40l-node-coe-paper.yaml --model models/llama-3.1-8b.yaml --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_NEAR(j["switch_time_s"].get<double>(), 16060522496.0 / (800.0 * 1073741824.0), 1e-9);
  EXPECT_EQ(j["bottleneck"]["group"], "ddr_to_hbm");
  EXPECT_EQ(j["tensor_parallel"], 8);
  EXPECT_EQ(j["weight_bytes"], 16060522496ULL);
  EXPECT_EQ(j["shards"].size(), 8u);
  EXPECT_TRUE(j["host_link_mode"].is_null());
}

TEST(Cli, SwitchTextNamesTheBottleneck) {
  const CliResult r =
      run_cli("switch --hw hw-configs/dgx-h100.yaml --model models/llama-3.1-8b.yaml --host-link paper");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("coe_paper_host_link"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("233.7"), std::string::npos) << r.out;
}

TEST(Cli, SetOverridesAPlatformField) {
  // A 250 GB/s copy link per socket moves the bottleneck to the 200 GB/s DDR tier.
  const CliResult r = run_cli(
      "switch --hw hw-configs/sn40l-node.yaml --model models/llama-3.1-8b.yaml --json "
      "--set \"links.ddr_to_hbm.bandwidth_bytes_per_s=250 GB/s\"");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_NEAR(j["switch_time_s"].get<double>(), 16060522496.0 / (8 * 200e9), 1e-9);
  EXPECT_EQ(j["bottleneck"]["group"], "ddr");
}

TEST(Cli, AllCoversEveryModelAndPlatformAndMode) {
  const CliResult r = run_cli("switch --all --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  const size_t models = 16;  // shipped models/*.yaml
  // 8 platforms, two of them with two host-link modes: 10 rows per model.
  EXPECT_EQ(j["rows"].size(), models * 10);
  int fits = 0;
  for (const auto& row : j["rows"]) {
    fits += row["fits"].get<bool>() ? 1 : 0;
    // 811.7 GB of weights fit only the 16-socket SN40L (16 x 64 GB of HBM).
    if (row["model"] == "Llama-3.1-405B") {
      EXPECT_EQ(row["fits"].get<bool>(), row["platform"] == "sn40l-16") << row["platform"];
    }
    if (row["model"] == "Llama-3.1-8B" && row["platform"] == "sn40l-node") {
      EXPECT_DOUBLE_EQ(row["ratio_to_reference"].get<double>(), 1.0);
    }
  }
  EXPECT_GT(fits, 40);
}

TEST(Cli, SameInputsGiveByteIdenticalOutput) {
  const CliResult a = run_cli("switch --all --json");
  const CliResult b = run_cli("switch --all --json");
  ASSERT_EQ(a.exit_code, 0);
  EXPECT_EQ(a.out, b.out);
}

TEST(Cli, AllTableFiltersAndRatios) {
  const CliResult r = run_cli("switch --all --models llama-3.1-8b --platforms sn40l-node,dgx-h100");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("sn40l-node"), std::string::npos);
  EXPECT_NE(r.out.find("paper"), std::string::npos);
  EXPECT_EQ(r.out.find("gh200"), std::string::npos);
  EXPECT_NE(r.out.find("1.00"), std::string::npos);
}

TEST(Cli, BadPlatformFileExitsTwoNamingFileLineField) {
  const CliResult r = run_cli("switch --hw tests/data/hw/unknown_key.yaml --model models/llama-3.1-8b.yaml");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown_key.yaml:15:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("devices.gpu.tiers.hbm.bandwith_bytes_per_s"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty());
}

TEST(Cli, MissingFileExitsTwo) {
  const CliResult r = run_cli("switch --hw hw-configs/nope.yaml --model models/llama-3.1-8b.yaml");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("nope.yaml"), std::string::npos) << r.err;
}

TEST(Cli, ModelThatDoesNotFitExitsTwoNamingTheTier) {
  const CliResult r = run_cli("switch --hw hw-configs/sn40l-node.yaml --model models/llama-3.1-405b.yaml");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("sn40l-node.yaml:" +
                       std::to_string(testing::line_of(testing::source_path("hw-configs/sn40l-node.yaml"),
                                                       "capacity_bytes: 64 GB"))),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("does not fit"), std::string::npos) << r.err;
}

TEST(Cli, UsageErrorsExitTwo) {
  EXPECT_EQ(
      run_cli("switch --hw hw-configs/sn40l-node.yaml --model models/llama-3.1-8b.yaml --host-link paper").exit_code,
      2);
  EXPECT_EQ(run_cli("switch --hw hw-configs/sn40l-node.yaml").exit_code, 2);
  EXPECT_EQ(run_cli("frobnicate").exit_code, 2);
  EXPECT_EQ(run_cli("switch --all --models no-such-model").exit_code, 2);
  const CliResult bad_set = run_cli(
      "switch --hw hw-configs/sn40l-node.yaml --model models/llama-3.1-8b.yaml --set "
      "links.ddr_to_hbm.bandwidth_bytes_per_s=-1");
  EXPECT_EQ(bad_set.exit_code, 2);
  EXPECT_NE(bad_set.err.find("--set"), std::string::npos) << bad_set.err;
}

TEST(Cli, SchemaListsFieldsWithUnits) {
  const CliResult r = run_cli("schema hw");
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("bandwidth_bytes_per_s (bytes/s"), std::string::npos) << r.out;
  EXPECT_EQ(run_cli("schema model").exit_code, 0);
  EXPECT_EQ(run_cli("--help").exit_code, 0);
}

}  // namespace
}  // namespace coesim
