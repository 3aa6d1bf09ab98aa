#include <cmath>
#include <string>

#include <gtest/gtest.h>

#include "sim/config/config_doc.h"
#include "sim/config/config_error.h"
#include "sim/hw/platform_loader.h"
#include "sim/llm/load_model.h"
#include "sim/llm/model_size.h"
#include "sim/serving/expert_switch.h"
#include "tests/test_support.h"

namespace coesim::serving {
namespace {

using testing::data_path;
using testing::source_path;

constexpr double kGiB = 1073741824.0;

hw::Platform platform(const std::string& stem) {
  return hw::load_platform(source_path("hw-configs/" + stem + ".yaml"));
}

std::uint64_t model_bytes(const std::string& stem) {
  return static_cast<std::uint64_t>(llm::weight_bytes(llm::load_model(source_path("models/" + stem + ".yaml"))));
}

ExpertSwitchResult switch_on(const hw::Platform& p, std::uint64_t bytes, const std::string& mode = "") {
  return simulate_expert_switch(p, ExpertSwitchInput{"m", bytes, mode, 0});
}

// The CoE paper: 19 ms on SN40L at 800 GB/s aggregate (binary units) and
// 233 ms on a DGX H100 over one 64 GB/s host link; within 5%.
TEST(ExpertSwitch, ReproducesTheCoePaperFiguresForLlama31_8B) {
  const std::uint64_t bytes = model_bytes("llama-3.1-8b");
  EXPECT_EQ(bytes, 16'060'522'496u);
  const auto sn40l = switch_on(platform("sn40l-node-coe-paper"), bytes);
  EXPECT_NEAR(sn40l.switch_time_s, 0.019, 0.05 * 0.019);
  EXPECT_NEAR(sn40l.switch_time_s, bytes / (800 * kGiB), 1e-9);
  const auto dgx = switch_on(platform("dgx-h100"), bytes, "paper");
  EXPECT_NEAR(dgx.switch_time_s, 0.233, 0.05 * 0.233);
  EXPECT_NEAR(dgx.switch_time_s, bytes / (64 * kGiB), 1e-9);
  EXPECT_EQ(dgx.bottleneck.name, "coe_paper_host_link");
  EXPECT_EQ(dgx.host_link_mode, "paper");
}

TEST(ExpertSwitch, Sn40lSocketsCopyTheirShardsInParallel) {
  const std::uint64_t bytes = 8'000'000'000;
  const auto r = switch_on(platform("sn40l-node"), bytes);
  EXPECT_EQ(r.tensor_parallel, 8);
  ASSERT_EQ(r.shards.size(), 8u);
  // 1 GB per socket at 125 GB/s each: 8 ms; the per-socket link is the bottleneck.
  EXPECT_NEAR(r.switch_time_s, 0.008, 1e-12);
  EXPECT_NEAR(r.achieved_bytes_per_s, 1e12, 1e3);
  EXPECT_EQ(r.bottleneck.group, "ddr_to_hbm");
  EXPECT_EQ(r.bottleneck_instances, 8);
  EXPECT_NEAR(r.bottleneck.utilisation, 1.0, 1e-9);
  for (const auto& u : r.resources)
    if (u.group == "ddr") {
      EXPECT_NEAR(u.utilisation, 125.0 / 200.0, 1e-9);
    }
}

TEST(ExpertSwitch, ShardBytesAddUpExactly) {
  const std::uint64_t bytes = 8'000'000'007;  // not divisible by 8
  const auto r = switch_on(platform("sn40l-node"), bytes);
  std::uint64_t total = 0;
  for (const auto& s : r.shards) total += s.bytes;
  EXPECT_EQ(total, bytes);
  std::uint64_t ddr_bytes = 0;
  for (const auto& u : r.resources)
    if (u.group == "ddr") ddr_bytes += u.bytes;
  EXPECT_EQ(ddr_bytes, bytes);
}

TEST(ExpertSwitch, PerGpuCopiesRunInParallelOverTheirOwnLinks) {
  const std::uint64_t bytes = 8'800'000'000;  // 1.1 GB per GPU at 55 GB/s: 20 ms
  const auto r = switch_on(platform("dgx-h100"), bytes, "per-gpu");
  EXPECT_NEAR(r.switch_time_s, 0.020, 1e-12);
  EXPECT_EQ(r.bottleneck.group, "pcie");
  EXPECT_EQ(r.bottleneck_instances, 8);
}

TEST(ExpertSwitch, SharedHostMemoryLimitsPerGpuCopies) {
  // Host DRAM at 100 GB/s under 8 x 55 GB/s of PCIe: DRAM is the bottleneck,
  // each GPU gets 12.5 GB/s, and the whole copy runs at 100 GB/s.
  config::ConfigDoc doc = config::ConfigDoc::load(source_path("hw-configs/dgx-h100.yaml"));
  doc.set_from_text("devices.host.tiers.dram.bandwidth_bytes_per_s=100 GB/s");
  const auto r = switch_on(hw::load_platform(doc), 10'000'000'000, "per-gpu");
  EXPECT_NEAR(r.switch_time_s, 0.1, 1e-12);
  EXPECT_EQ(r.bottleneck.name, "host.dram");
  for (const auto& s : r.shards) EXPECT_EQ(s.bottleneck, "host.dram");
}

TEST(ExpertSwitch, GpusBehindOneUplinkShareIt) {
  // 4 GPUs, 2 per 25 GB/s uplink, 20 GB/s each: each GPU gets 12.5 GB/s.
  const auto r = switch_on(hw::load_platform(data_path("hw/shared_uplink.yaml")), 4'000'000'000);
  EXPECT_NEAR(r.switch_time_s, 1e9 / 12.5e9, 1e-12);
  EXPECT_EQ(r.bottleneck.group, "uplink");
  EXPECT_EQ(r.bottleneck_instances, 2);
}

TEST(ExpertSwitch, AModelLargerThanTheFastTierNamesTheTierLine) {
  const auto file = source_path("hw-configs/sn40l-node.yaml");
  const config::ConfigError e =
      testing::expect_config_error([&] { switch_on(hw::load_platform(file), model_bytes("llama-3.1-405b")); });
  EXPECT_EQ(e.file(), file.string());
  EXPECT_EQ(e.field(), "devices.rdu.tiers.hbm.capacity_bytes");
  EXPECT_EQ(e.line(), testing::line_of(file, "capacity_bytes: 64 GB"));
  EXPECT_NE(e.reason().find("does not fit"), std::string::npos);
}

TEST(ExpertSwitch, HostLinkModeAndTpAreCheckedAgainstThePlatform) {
  EXPECT_THROW(switch_on(platform("sn40l-node"), 1000, "paper"), config::UsageError);
  EXPECT_THROW(switch_on(platform("dgx-h100"), 1000, "nvme"), config::UsageError);
  EXPECT_THROW(simulate_expert_switch(platform("gh200"), ExpertSwitchInput{"m", 1000, "", 2}), config::UsageError);
  const auto tp2 = simulate_expert_switch(platform("dgx-h100"), ExpertSwitchInput{"m", 1'100'000'000, "per-gpu", 2});
  EXPECT_EQ(tp2.shards.size(), 2u);
  EXPECT_NEAR(tp2.switch_time_s, 0.55e9 / 55e9, 1e-12);
}

}  // namespace
}  // namespace coesim::serving
