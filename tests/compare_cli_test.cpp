// `coesim compare` end to end: two real runs side by side in text and JSON,
// ratios checked against the two summaries, directories (a run's --out and a
// sweep point) as arguments, and bad arguments exiting 2 naming the file.
#include <filesystem>
#include <fstream>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/cli_runner.h"

namespace coesim {
namespace {

using testing::run_cli;
using testing::slurp;
namespace fs = std::filesystem;

// Two short Samba-CoE runs, SN40L node and DGX H100 (each well under a second).
class CompareCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / fmt::format("coesim-compare-{}-{}", ::getpid(),
                                                   ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    for (const auto& [name, experiment] :
         {std::pair{"sn40l", "results/samba-coe/sn40l-node.yaml"}, {"dgx", "results/samba-coe/dgx-h100-paper.yaml"}}) {
      const auto r =
          run_cli(fmt::format("run {} --set workload.requests=40 --out {}", experiment, (dir_ / name).string()));
      ASSERT_EQ(r.exit_code, 0) << r.err;
    }
  }
  void TearDown() override { fs::remove_all(dir_); }
  nlohmann::json summary(const std::string& name) const {
    return nlohmann::json::parse(slurp(dir_ / name / "summary.json"));
  }
  std::string file(const std::string& name) const { return (dir_ / name / "summary.json").string(); }
  fs::path dir_;
};

TEST_F(CompareCli, JsonHoldsEachRunsFiguresAndRatiosToTheFirst) {
  const auto r = run_cli(fmt::format("compare {} {} --json", file("sn40l"), file("dgx")));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["runs"].size(), 2u);
  const auto a = summary("sn40l");
  const auto b = summary("dgx");
  const auto& first = j["runs"][0];
  const auto& second = j["runs"][1];
  EXPECT_EQ(first["label"], "samba-coe-sn40l-node (sn40l-node)");
  EXPECT_EQ(second["label"], "samba-coe-dgx-h100-paper (dgx-h100)");
  EXPECT_EQ(second["summary_file"], file("dgx"));
  EXPECT_EQ(second["platform"], b["platform"]);
  EXPECT_EQ(second["trace_hash"], b["trace_hash"]);
  EXPECT_EQ(second["makespan_s"], b["summary"]["makespan_s"]);
  EXPECT_EQ(second["ttft_p99_s"], b["summary"]["ttft_s"]["p99"]);
  EXPECT_EQ(second["switch_wait_mean_s"], b["summary"]["switch_wait_s"]["mean"]);
  EXPECT_EQ(second["peak_fast_tier_used_bytes_per_device"], b["peak_fast_tier_used_bytes_per_device"]);
  const double makespan_ratio = b["summary"]["makespan_s"].get<double>() / a["summary"]["makespan_s"].get<double>();
  EXPECT_GT(makespan_ratio, 1.5);  // the DGX's 64 GB/s host link against the SN40L's DDR
  EXPECT_DOUBLE_EQ(second["ratio_to_first"]["makespan_s"].get<double>(), makespan_ratio);
  EXPECT_DOUBLE_EQ(second["ratio_to_first"]["ttft_mean_s"].get<double>(),
                   b["summary"]["ttft_s"]["mean"].get<double>() / a["summary"]["ttft_s"]["mean"].get<double>());
  EXPECT_DOUBLE_EQ(first["ratio_to_first"]["makespan_s"].get<double>(), 1.0);
  // A figure whose first value is 0 has no ratio; text figures have none at all.
  ASSERT_EQ(a["summary"]["rejected"], 0);
  EXPECT_TRUE(second["ratio_to_first"]["rejected"].is_null());
  EXPECT_FALSE(second["ratio_to_first"].contains("platform"));
}

TEST_F(CompareCli, TextShowsTheSameFiguresAsTheJson) {
  const auto r = run_cli(fmt::format("compare {} {}", file("sn40l"), file("dgx")));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto a = summary("sn40l");
  const auto b = summary("dgx");
  EXPECT_NE(r.out.find("samba-coe-sn40l-node (sn40l-node)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("samba-coe-dgx-h100-paper (dgx-h100)"), std::string::npos) << r.out;
  const std::size_t row = r.out.find("\nmakespan (s) ");
  ASSERT_NE(row, std::string::npos) << r.out;
  const std::string line = r.out.substr(row + 1, r.out.find('\n', row + 1) - row - 1);
  const double ma = a["summary"]["makespan_s"].get<double>();
  const double mb = b["summary"]["makespan_s"].get<double>();
  EXPECT_NE(line.find(fmt::format("{:.3f}   x1.00", ma)), std::string::npos) << line;
  EXPECT_NE(line.find(fmt::format("{:.3f}   x{:.2f}", mb, mb / ma)), std::string::npos) << line;
  EXPECT_NE(r.out.find(b["trace_hash"].get<std::string>()), std::string::npos);
  EXPECT_NE(r.out.find("\nrejected "), std::string::npos);
}

TEST_F(CompareCli, TakesRunAndSweepPointDirectories) {
  const fs::path point = dir_ / "sweep" / "points" / "0123456789ab";
  fs::create_directories(point);
  fs::copy_file(dir_ / "dgx" / "summary.json", point / "summary.json", fs::copy_options::overwrite_existing);
  const auto r = run_cli(
      fmt::format("compare {} {} --label SN40L --label H100 --json", (dir_ / "sn40l").string(), point.string()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["runs"][0]["summary_file"], file("sn40l"));
  EXPECT_EQ(j["runs"][1]["summary_file"], (point / "summary.json").string());
  EXPECT_EQ(j["runs"][0]["label"], "SN40L");
  EXPECT_EQ(j["runs"][1]["label"], "H100");
  EXPECT_EQ(j["runs"][1]["makespan_s"], summary("dgx")["summary"]["makespan_s"]);
  // The sweep's own directory holds no summary.json: the error says to name its points.
  const auto sweep = run_cli(fmt::format("compare {} {}", (dir_ / "sn40l").string(), (dir_ / "sweep").string()));
  EXPECT_EQ(sweep.exit_code, 2);
  EXPECT_NE(sweep.err.find((dir_ / "sweep" / "summary.json").string()), std::string::npos) << sweep.err;
  EXPECT_NE(sweep.err.find("points/<id>"), std::string::npos) << sweep.err;
}

TEST_F(CompareCli, BadArgumentsExitTwoNamingTheFile) {
  const std::string missing = (dir_ / "no-such-run" / "summary.json").string();
  const auto r = run_cli(fmt::format("compare {} {}", file("sn40l"), missing));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(missing), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;

  const fs::path bad = dir_ / "bad.json";
  std::ofstream(bad) << R"({"summary": {"makespan_s": "long"}})";
  const auto wrong_type = run_cli(fmt::format("compare {} {}", file("sn40l"), bad.string()));
  EXPECT_EQ(wrong_type.exit_code, 2);
  EXPECT_NE(wrong_type.err.find(bad.string() + ": field 'summary.makespan_s'"), std::string::npos) << wrong_type.err;

  std::ofstream(bad) << R"({"summary": )";
  const auto not_json = run_cli(fmt::format("compare {} {}", bad.string(), file("sn40l")));
  EXPECT_EQ(not_json.exit_code, 2);
  EXPECT_NE(not_json.err.find(bad.string() + ": not JSON"), std::string::npos) << not_json.err;

  const auto one = run_cli("compare " + file("sn40l"));
  EXPECT_EQ(one.exit_code, 2);
  EXPECT_NE(one.err.find("at least two runs"), std::string::npos) << one.err;
}

}  // namespace
}  // namespace coesim
