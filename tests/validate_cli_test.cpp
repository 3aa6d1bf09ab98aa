// `coesim validate` and `coesim calibrate` as a user runs them: exit 2 with
// file, line and field for a bad dataset; exit 0 with skipped rows and their
// reasons for hardware or models nothing stands for; a calibrated profile
// that loads and that a platform can name.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "sim/config/config_doc.h"
#include "sim/hw/platform_loader.h"
#include "sim/hw/runtime_profile.h"
#include "sim/serving/execution_model.h"
#include "tests/cli_runner.h"
#include "tests/test_support.h"

namespace coesim {
namespace {

namespace fs = std::filesystem;
using testing::run_cli;
using testing::source_path;
using testing::write_temp_file;

const std::string kHeader =
    "Hardware,Num of Hardware,Framework,Model,Input Output Length,Batch Size,Latency,Throughput\n";

TEST(ValidateCli, AMalformedNumberExitsTwoNamingFileLineAndField) {
  const fs::path f = write_temp_file(
      "bad.csv", kHeader + "Nvidia H100 GPU,1,vLLM,m,128,1,0.5,512\nNvidia H100 GPU,1,vLLM,m,12x8,1,0.5,512\n");
  const auto r = run_cli("validate " + f.string());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find(f.string() + ":3:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Input Output Length"), std::string::npos) << r.err;
  const fs::path g = write_temp_file("missing.csv", "Hardware,Framework,Model,Latency\n");
  const auto m = run_cli("validate " + g.string());
  EXPECT_EQ(m.exit_code, 2);
  EXPECT_NE(m.err.find(":1:"), std::string::npos) << m.err;
}

TEST(ValidateCli, UnknownHardwareOrModelIsASkippedRowNotAnError) {
  const fs::path f =
      write_temp_file("unknown.csv", kHeader +
                                         "Imaginary X1,1,vLLM,meta-llama/Meta-Llama-3-8B,128,1,0.9,284\n"
                                         "Nvidia H100 GPU,1,vLLM,someone/unknown,128,1,0.9,284\n"
                                         "Nvidia H100 GPU,1,vLLM,meta-llama/Meta-Llama-3-8B,128,1,0.9,284\n");
  const auto r = run_cli("validate " + f.string() + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["rows"].size(), 3u);
  EXPECT_NE(j["rows"][0]["skipped"].get<std::string>().find("Imaginary X1"), std::string::npos);
  EXPECT_NE(j["rows"][1]["skipped"].get<std::string>().find("someone/unknown"), std::string::npos);
  EXPECT_TRUE(j["rows"][2]["skipped"].is_null());
  EXPECT_GT(j["rows"][2]["predicted_latency_s"].get<double>(), 0);
  const auto text = run_cli("validate " + f.string() + " --rows");
  EXPECT_NE(text.out.find("skipped: no platform mapped"), std::string::npos) << text.out;
}

TEST(ValidateCli, CalibrateWritesAProfileAPlatformCanName) {
  const fs::path dir = write_temp_file("x", "").parent_path();
  const fs::path out = dir / "profiles" / "gh200-test.yaml";
  fs::create_directories(out.parent_path());
  const auto r = run_cli(
      "calibrate hw-configs/measurements/llm-inference-bench/all-results.csv --hardware 'Nvidia GH200 GPU' "
      "--framework TensorRT-LLM --name gh200-test --out " +
      out.string() + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["rows_used"], 40);
  EXPECT_LT(j["lomo_mean_abs_relative_error"].get<double>(), 0.10);
  const hw::RuntimeProfile p = hw::load_runtime_profile(out);
  EXPECT_EQ(p.name, "gh200-test");
  EXPECT_NEAR(p.memory_efficiency, j["parameters"]["memory_efficiency"].get<double>(), 1e-5);
  // A platform naming the profile runs with it.
  config::ConfigDoc doc = config::ConfigDoc::load(source_path("hw-configs/gh200.yaml"));
  doc.set_from_text("serving.runtime_profile=" + out.string());
  const hw::Platform platform = hw::load_platform(doc);
  ASSERT_TRUE(platform.serving.runtime_profile.has_value());
  const serving::ExecutionModel exec = serving::ExecutionModel::of(platform, 1);
  EXPECT_EQ(exec.profile().name, "gh200-test");
  EXPECT_DOUBLE_EQ(exec.profile().step_overhead_s, p.step_overhead_s);
  // Bad requests: an unknown parameter to hold, a group with no rows.
  EXPECT_EQ(
      run_cli("calibrate hw-configs/measurements/llm-inference-bench/all-results.csv --hardware 'Nvidia GH200 GPU' "
              "--framework TensorRT-LLM --fix warp_speed=1")
          .exit_code,
      2);
  EXPECT_EQ(run_cli("calibrate hw-configs/measurements/llm-inference-bench/all-results.csv --hardware Nothing "
                    "--framework TensorRT-LLM")
                .exit_code,
            2);
}

}  // namespace
}  // namespace coesim
