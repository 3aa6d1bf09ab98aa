#include <fstream>
#include <regex>
#include <string>

#include <gtest/gtest.h>

#include "sim/config/config_error.h"
#include "sim/hw/platform_loader.h"
#include "sim/config/yaml_files.h"
#include "tests/test_support.h"

namespace coesim::hw {
namespace {

using testing::data_path;
using testing::expect_config_error;
using testing::line_of;
using testing::source_path;

const char* const kShipped[] = {"sn40l-node", "sn40l-node-coe-paper", "sn40l-16",      "dgx-h100",     "dgx-a100",
                                "gh200",      "h100-pcie-x1",         "dgx-h100-nemo", "dgx-a100-nemo"};

Platform shipped(const std::string& stem) { return load_platform(source_path("hw-configs/" + stem + ".yaml")); }

TEST(PlatformFiles, EveryShippedPlatformLoads) {
  for (const char* stem : kShipped) {
    const Platform p = shipped(stem);
    EXPECT_EQ(p.name, stem);
    EXPECT_FALSE(p.accelerators().empty()) << stem;
    EXPECT_FALSE(p.sources.empty()) << stem;
  }
}

TEST(PlatformFiles, Sn40lNodeHasEightSocketsWithThreeTiers) {
  const Platform p = shipped("sn40l-node");
  ASSERT_EQ(p.accelerators().size(), 8u);
  EXPECT_EQ(p.devices[7].name, "rdu7");
  EXPECT_EQ(p.tiers.size(), 24u);
  const auto hbm = p.find_tier("rdu3.hbm");
  ASSERT_TRUE(hbm);
  EXPECT_DOUBLE_EQ(p.tiers[*hbm].capacity_bytes, 64e9);
  EXPECT_FALSE(p.tiers[*p.find_tier("rdu3.sram")].bandwidth_bytes_per_s);  // not published
  const Route* r = p.route(p.slow_tier_of(3), p.fast_tier_of(3), "");
  ASSERT_NE(r, nullptr);
  ASSERT_EQ(r->links.size(), 1u);
  EXPECT_EQ(p.links[static_cast<size_t>(r->links[0])].name, "ddr_to_hbm[3]");
  EXPECT_EQ(p.serving.tensor_parallel, 8);
  EXPECT_DOUBLE_EQ(p.devices[0].compute.decode_memory_efficiency, 0.85);
  EXPECT_DOUBLE_EQ(p.devices[0].compute.prefill_compute_efficiency, 1.0);  // default: no derating
}

TEST(PlatformFiles, DerivedPlatformsApplyTheirOverrides) {
  const Platform paper = shipped("sn40l-node-coe-paper");
  EXPECT_DOUBLE_EQ(paper.links[0].bandwidth_bytes_per_s, 100.0 * 1073741824.0);
  EXPECT_TRUE(paper.sources.contains("coe"));
  EXPECT_TRUE(paper.sources.contains("sn40l"));
  const Platform big = shipped("sn40l-16");
  EXPECT_EQ(big.accelerators().size(), 16u);
  EXPECT_EQ(big.serving.tensor_parallel, 16);
  EXPECT_DOUBLE_EQ(*big.tiers[*big.find_tier("rdu15.hbm")].bandwidth_bytes_per_s, 1.6e12);
}

TEST(PlatformFiles, GpuBaselinesShareOneHostMemoryAndHaveBothHostLinkModes) {
  const Platform p = shipped("dgx-h100");
  EXPECT_EQ(p.host_link_modes, (std::vector<std::string>{"per-gpu", "paper"}));
  const int dram = *p.find_tier("host.dram");
  for (const int d : p.accelerators()) {
    EXPECT_EQ(p.slow_tier_of(d), dram);
    const Route* per_gpu = p.route(dram, p.fast_tier_of(d), "per-gpu");
    const Route* paper = p.route(dram, p.fast_tier_of(d), "paper");
    ASSERT_TRUE(per_gpu && paper);
    EXPECT_EQ(p.links[static_cast<size_t>(per_gpu->links[0])].group, "pcie");
    EXPECT_EQ(p.links[static_cast<size_t>(paper->links[0])].name, "coe_paper_host_link");
  }
}

TEST(PlatformFiles, DevicesPerInstanceSharesOneLinkBetweenDevices) {
  const Platform p = load_platform(data_path("hw/shared_uplink.yaml"));
  const int dram = *p.find_tier("host.dram");
  const auto uplink_of = [&](int device) { return p.route(dram, p.fast_tier_of(device), "")->links[0]; };
  EXPECT_EQ(uplink_of(0), uplink_of(1));
  EXPECT_EQ(uplink_of(2), uplink_of(3));
  EXPECT_NE(uplink_of(1), uplink_of(2));
}

// Every numeric value in a shipped platform cites a key of its sources, as "# [key]".
TEST(PlatformFiles, EveryNumberCitesAKeyOfSources) {
  const std::regex numeric(R"(^\s*(- )?[a-z_.]+:\s*[-+]?[0-9])");
  const std::regex citation(R"(#\s*\[([a-z0-9_]+)\])");
  for (const char* stem : kShipped) {
    const auto file = source_path(std::string("hw-configs/") + stem + ".yaml");
    const Platform p = load_platform(file);
    std::ifstream in(file);
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
      if (!std::regex_search(line, numeric)) continue;
      std::smatch c;
      ASSERT_TRUE(std::regex_search(line, c, citation)) << file << ":" << n << " cites no source";
      EXPECT_TRUE(p.sources.contains(c[1])) << file << ":" << n << " cites unknown source " << c[1];
    }
  }
}

// Measured latency tables: every line with a number cites a source key.
TEST(PlatformFiles, EveryLatencyTableNumberCitesAKeyOfSources) {
  const std::regex number(R"(:\s*[-+]?[0-9])");
  const std::regex citation(R"(#\s*\[([a-z0-9_]+)\])");
  const std::vector<std::filesystem::path> tables = config::yaml_files(source_path("hw-configs/tables"));
  ASSERT_FALSE(tables.empty());
  for (const auto& file : tables) {
    const auto doc = config::ConfigDoc::load(file);
    const YAML::Node sources = doc.root()["sources"];
    std::ifstream in(file);
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
      if (line.rfind("#", 0) == 0 || line.find("sources") != std::string::npos || !std::regex_search(line, number))
        continue;
      if (line.find(": \"") != std::string::npos) continue;  // a source's text
      std::smatch c;
      ASSERT_TRUE(std::regex_search(line, c, citation)) << file << ":" << n << " cites no source";
      EXPECT_TRUE(sources[c[1].str()].IsDefined()) << file << ":" << n << " cites unknown source " << c[1];
    }
  }
}

using BadCase = testing::BadFileCase;

class BadPlatformFile : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadPlatformFile, FailsWithFileLineAndField) {
  testing::expect_error_at(data_path(std::string("hw/") + GetParam().file), GetParam(),
                           [](const std::filesystem::path& f) { load_platform(f); });
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BadPlatformFile,
    ::testing::Values(
        BadCase{"unknown_key.yaml", "bandwith_bytes_per_s", "devices.gpu.tiers.hbm.bandwith_bytes_per_s",
                "unknown key 'bandwith_bytes_per_s'"},
        BadCase{"wrong_type.yaml", "capacity_bytes: lots", "devices.gpu.tiers.hbm.capacity_bytes", "not a number"},
        BadCase{"negative_bandwidth.yaml", "-20 GB/s", "links.pcie.bandwidth_bytes_per_s", "out of range"},
        BadCase{"wrong_unit.yaml", "100 GB/s", "devices.host.tiers.dram.capacity_bytes", "not a unit of bytes"},
        BadCase{"unknown_link.yaml", "via: [pcie, nvlink]", "routes.0.via", "no link named 'nvlink'"},
        BadCase{"missing_serving.yaml", "name: small", "serving", "required field 'serving' is missing"},
        BadCase{"derived_bad_value.yaml", "-1 GB/s", "links.pcie.bandwidth_bytes_per_s", "out of range"},
        BadCase{"derived_bad_path.yaml", "1 GB/s", "links.nvlink.bandwidth_bytes_per_s",
                "no list entry named 'nvlink'"},
        BadCase{"derived_missing_base.yaml", "extends:", "extends", "cannot load base file"}),
    testing::case_name);

TEST(PlatformErrors, MissingFileIsNamed) {
  const config::ConfigError e = expect_config_error([] { load_platform("hw-configs/no-such-platform.yaml"); });
  EXPECT_EQ(e.file(), "hw-configs/no-such-platform.yaml");
  EXPECT_NE(e.reason().find("cannot open"), std::string::npos);
}

}  // namespace
}  // namespace coesim::hw
