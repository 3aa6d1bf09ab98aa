// Calibration and validation: the measured-runs reader (exact columns, file /
// line / field errors), the batch-run prediction against the serving engine
// and against its own fitting terms, the fit recovering a known profile, and
// rows that cannot be predicted reported with their reason.
#include <algorithm>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "sim/config/config_doc.h"
#include "sim/hw/platform_loader.h"
#include "sim/hw/runtime_profile.h"
#include "sim/llm/load_model.h"
#include "sim/serving/execution_model.h"
#include "sim/serving/serving_simulation.h"
#include "sim/validation/batch_run.h"
#include "sim/validation/measured_cases.h"
#include "sim/validation/measured_runs.h"
#include "sim/validation/profile_fit.h"
#include "sim/validation/validation_map.h"
#include "sim/validation/validation_report.h"
#include "tests/test_support.h"

namespace coesim::validation {
namespace {

namespace fs = std::filesystem;
using testing::data_path;
using testing::expect_config_error;
using testing::source_path;
using testing::write_temp_file;

const std::string kHeader =
    "Hardware,Num of Hardware,Framework,Model,Input Output Length,Batch Size,Latency,Throughput";

hw::RuntimeProfile some_profile() {
  hw::RuntimeProfile p;
  p.name = "test";
  p.prefill_compute_efficiency = 0.6;
  p.decode_compute_efficiency = 0.3;
  p.memory_efficiency = 0.75;
  p.step_overhead_s = 1e-3;
  p.layer_overhead_s = 5e-6;
  p.collective_latency_s = 20e-6;
  p.collective_hop_latency_s = 3e-6;
  p.sequence_overhead_s = 30e-6;
  p.request_overhead_s = 2e-3;
  return p;
}

// ---- the reader ---------------------------------------------------------------

TEST(MeasuredRuns, ReadsTheShippedDatasetAndTheNemoTable) {
  const MeasuredRuns lib =
      read_measured_runs(source_path("hw-configs/measurements/llm-inference-bench/all-results.csv"));
  EXPECT_EQ(lib.rows.size(), 3776u);
  EXPECT_EQ(lib.rows.front().line, 2);
  EXPECT_EQ(lib.rows.front().hardware, "Nvidia GH200 GPU");
  EXPECT_EQ(lib.rows.front().input_tokens, lib.rows.front().output_tokens);
  const MeasuredRuns nemo = read_measured_runs(source_path("hw-configs/measurements/nemo-llama-2-7b.csv"));
  ASSERT_EQ(nemo.rows.size(), 18u);
  for (const MeasuredRun& r : nemo.rows) {
    EXPECT_EQ(r.input_tokens, 128);
    EXPECT_EQ(r.output_tokens, 20);
    EXPECT_FALSE(r.throughput_tokens_per_s.has_value());
  }
  EXPECT_DOUBLE_EQ(nemo.rows.front().latency_s, 0.1538);
  // Time to first token: runs of one output token timed by their TTFT.
  const MeasuredRuns ttft = read_measured_runs(source_path("hw-configs/measurements/llm-inference-bench/ttft-itl.csv"));
  ASSERT_EQ(ttft.rows.size(), 20u);
  EXPECT_EQ(ttft.rows.front().output_tokens, 1);
  EXPECT_EQ(ttft.rows.front().input_tokens, 1024);
  EXPECT_DOUBLE_EQ(ttft.rows.front().latency_s, 2.489681196435898);
}

TEST(MeasuredRuns, AMissingColumnIsAnErrorAtTheHeader) {
  const fs::path f =
      write_temp_file("missing.csv", "Hardware,Num of Hardware,Framework,Model,Batch Size,Latency,Throughput\n");
  const config::ConfigError e = expect_config_error([&] { read_measured_runs(f); });
  EXPECT_EQ(e.file(), f.string());
  EXPECT_EQ(e.line(), 1);
  EXPECT_EQ(e.field(), "header");
  EXPECT_NE(e.reason().find("Input Output Length"), std::string::npos) << e.what();
}

TEST(MeasuredRuns, AMalformedNumberNamesItsLineColumnAndField) {
  const fs::path f = write_temp_file("bad-number.csv", kHeader + "\n" +
                                                           "Nvidia H100 GPU,1,vLLM,m,128,1,0.5,512\n"
                                                           "Nvidia H100 GPU,1,vLLM,m,128,1,0.5x,512\n");
  const config::ConfigError e = expect_config_error([&] { read_measured_runs(f); });
  EXPECT_EQ(e.line(), 3);
  EXPECT_EQ(e.field(), "Latency");
  EXPECT_EQ(e.column(), static_cast<int>(std::string("Nvidia H100 GPU,1,vLLM,m,128,1,").size()) + 1);
  for (const auto& [text, field] : std::vector<std::pair<std::string, std::string>>{
           {"Nvidia H100 GPU,0,vLLM,m,128,1,0.5,512", "Num of Hardware"},
           {"Nvidia H100 GPU,1,vLLM,m,-5,1,0.5,512", "Input Output Length"},
           {"Nvidia H100 GPU,1,vLLM,m,128,1,nan,512", "Latency"},
           {"Nvidia H100 GPU,1,vLLM,m,128,1,inf,512", "Latency"},
           {"Nvidia H100 GPU,1,vLLM,m,128,99999999999999999999,0.5,512", "Batch Size"},
           {",1,vLLM,m,128,1,0.5,512", "Hardware"}}) {
    const fs::path g = write_temp_file("bad-field.csv", kHeader + "\n" + text + "\n");
    const config::ConfigError e2 = expect_config_error([&] { read_measured_runs(g); });
    EXPECT_EQ(e2.line(), 2) << text;
    EXPECT_EQ(e2.field(), field) << text << ": " << e2.what();
  }
  const fs::path short_row = write_temp_file("short.csv", kHeader + "\nNvidia H100 GPU,1,vLLM,m,128,1,0.5\n");
  EXPECT_EQ(expect_config_error([&] { read_measured_runs(short_row); }).line(), 2);
}

// ---- predictions ----------------------------------------------------------------

struct H100Case {
  hw::Platform platform = hw::load_platform(source_path("hw-configs/dgx-h100.yaml"));
  llm::ModelSpec model = llm::load_model(source_path("models/llama-3-8b.yaml"));
  serving::StepModel step = serving::StepModel::of(model);
};

RC_GTEST_PROP(BatchRun, FittingTermsEqualTheExecutionModel, ()) {
  static const H100Case c;
  const int tp = *rc::gen::element(1, 2, 4, 8);
  BatchRunShape shape;
  shape.batch = *rc::gen::inRange<std::int64_t>(1, 65);
  shape.input_tokens = *rc::gen::inRange<std::int64_t>(1, 600);
  shape.output_tokens = *rc::gen::inRange<std::int64_t>(1, 300);
  shape.concurrent = *rc::gen::inRange<std::int64_t>(0, shape.batch + 1);
  hw::RuntimeProfile p = some_profile();
  p.memory_efficiency = *rc::gen::inRange(5, 101) / 100.0;
  p.decode_compute_efficiency = *rc::gen::inRange(5, 101) / 100.0;
  const serving::TpGroupHardware hw = serving::TpGroupHardware::of(c.platform, tp);
  const double direct = predict_batch_run(serving::ExecutionModel(hw, p), c.step, shape).total_s();
  const double terms = BatchRunTerms::of(hw, c.step, shape).time_s(p);
  RC_ASSERT(std::abs(terms / direct - 1.0) < 1e-12);
}

TEST(BatchRun, WavesRunWhenOnlySomeSequencesFit) {
  const H100Case c;
  const serving::ExecutionModel exec(serving::TpGroupHardware::of(c.platform, 1), some_profile());
  const double one_wave = predict_batch_run(exec, c.step, {4, 128, 64, 0}).total_s();
  const double two_waves = predict_batch_run(exec, c.step, {8, 128, 64, 4}).total_s();
  EXPECT_NEAR(two_waves, 2 * one_wave, 1e-12);
  const double with_rest = predict_batch_run(exec, c.step, {5, 128, 64, 4}).total_s();
  EXPECT_NEAR(with_rest, one_wave + predict_batch_run(exec, c.step, {1, 128, 64, 0}).total_s(), 1e-12);
}

// The batch-run prediction is what the serving engine does with the same
// requests: all arrive at once, one prefill of all, then decode steps.
TEST(BatchRun, EqualsAServingRunOfTheSameRequests) {
  config::ConfigDoc doc = config::ConfigDoc::load(data_path("experiments/small_platform.yaml"));
  hw::Platform platform = hw::load_platform(doc);
  platform.serving.runtime_profile = some_profile();
  const llm::ModelSpec model = llm::load_model(data_path("experiments/small_model.yaml"));
  serving::ServingSetup setup;
  setup.platform = &platform;
  setup.expert_names = {"e0"};
  setup.expert_models = {&model};
  setup.scheduler.kind = "continuous";
  setup.scheduler.batch_size = 8;
  setup.scheduler.route = false;
  const std::int64_t in = 100, out = 30;
  std::vector<serving::Request> requests;
  for (std::int64_t i = 0; i < 8; ++i) requests.push_back({i, 0, 0, in, out, "", ""});
  const serving::ServingResult r = serving::run_serving(setup, requests);
  ASSERT_EQ(r.requests.size(), 8u);
  TimePs start = r.requests.front().prefill_start_ps, end = 0;
  for (const auto& q : r.requests) {
    EXPECT_EQ(q.prefill_start_ps, start);
    end = std::max(end, q.finish_ps);
  }
  const double predicted = predict_batch_run(serving::ExecutionModel::of(platform, platform.serving.tensor_parallel),
                                             serving::StepModel::of(model), {8, in, out, 0})
                               .total_s();
  // Each step is rounded up to a whole picosecond by the engine.
  EXPECT_NEAR(to_seconds(end - start), predicted, static_cast<double>(out) * 1e-12);
}

// A profile's KV memory setting holds part of the fast tier back in serving
// runs too, as it does in the batch-run prediction.
TEST(BatchRun, AServingRunKeepsTheProfilesKvMemorySetting) {
  hw::Platform platform = hw::load_platform(config::ConfigDoc::load(data_path("experiments/small_platform.yaml")));
  const llm::ModelSpec model = llm::load_model(data_path("experiments/small_model.yaml"));
  serving::ServingSetup setup;
  setup.platform = &platform;
  setup.expert_names = {"e0", "e1"};
  setup.expert_models = {&model, &model};
  setup.scheduler.route = false;
  const std::vector<serving::Request> one{{0, 0, 0, 10, 5, "", ""}};
  const serving::ServingResult whole = serving::run_serving(setup, one);
  hw::RuntimeProfile held = some_profile();
  held.kv_memory_fraction = 0.5;
  platform.serving.runtime_profile = held;
  const serving::ServingResult half = serving::run_serving(setup, one);
  EXPECT_LT(half.experts_that_fit, whole.experts_that_fit);
  EXPECT_TRUE(std::any_of(half.notes.begin(), half.notes.end(),
                          [](const std::string& n) { return n.find("holds back") != std::string::npos; }));
  held.kv_memory_fraction = 1e-4;  // 1 MB of 10 GB: less than the weights
  held.kv_memory_basis = hw::RuntimeProfile::KvMemoryBasis::Total;
  platform.serving.runtime_profile = held;
  EXPECT_THROW(serving::run_serving(setup, one), config::UsageError);
}

// ---- the fit ----------------------------------------------------------------------

TEST(ProfileFit, RecoversTheRowsOfAKnownProfile) {
  const H100Case c;
  const llm::ModelSpec big = llm::load_model(source_path("models/llama-3-70b.yaml"));
  const serving::StepModel big_step = serving::StepModel::of(big);
  const hw::RuntimeProfile truth = some_profile();
  std::vector<BatchRunTerms> terms;
  std::vector<std::string> models;
  for (const int tp : {1, 2, 4, 8})
    for (const std::int64_t batch : {1, 16, 64})
      for (const std::int64_t length : {128, 512}) {
        const bool fits_70b = tp >= 4;
        terms.push_back(
            BatchRunTerms::of(serving::TpGroupHardware::of(c.platform, tp), c.step, {batch, length, length, 0}));
        models.push_back("8b");
        if (!fits_70b) continue;
        terms.push_back(
            BatchRunTerms::of(serving::TpGroupHardware::of(c.platform, tp), big_step, {batch, length, length, 0}));
        models.push_back("70b");
      }
  std::vector<FitRow> rows;
  for (std::size_t i = 0; i < terms.size(); ++i) rows.push_back({&terms[i], terms[i].time_s(truth), models[i]});
  const FitResult fit = fit_runtime_profile(rows, ideal_profile());
  EXPECT_LT(fit.mean_abs_relative_error, 0.01);
  EXPECT_LT(fit.max_abs_relative_error, 0.03);
  EXPECT_TRUE(fit.unconstrained.empty());
  const std::vector<double> lomo = leave_one_model_out(rows, ideal_profile());
  ASSERT_EQ(lomo.size(), rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) EXPECT_NEAR(lomo[i] / rows[i].measured_s, 1.0, 0.1) << i;
  // Fixed parameters stay where they are put.
  const FitResult held = fit_runtime_profile(rows, ideal_profile(), {{{"step_overhead_s", 0.5e-3}}});
  EXPECT_EQ(held.profile.step_overhead_s, 0.5e-3);
}

TEST(ProfileFit, ACostNoRowPaysIsUnconstrainedAndZero) {
  const H100Case c;
  std::vector<BatchRunTerms> terms;
  for (const std::int64_t batch : {1, 8, 32})
    terms.push_back(BatchRunTerms::of(serving::TpGroupHardware::of(c.platform, 1), c.step, {batch, 256, 256, 0}));
  std::vector<FitRow> rows;
  for (const auto& t : terms) rows.push_back({&t, t.time_s(some_profile()), "8b"});
  const FitResult fit = fit_runtime_profile(rows, some_profile());
  EXPECT_EQ(fit.profile.collective_latency_s, 0);
  EXPECT_EQ(fit.profile.collective_hop_latency_s, 0);
  EXPECT_NE(std::find(fit.unconstrained.begin(), fit.unconstrained.end(), "collective_latency_s"),
            fit.unconstrained.end());
  EXPECT_TRUE(leave_one_model_out(rows, some_profile()).empty());  // one model
}

// ---- rows that cannot be predicted -----------------------------------------------

TEST(Validation, UnknownHardwareAndModelsAreSkippedWithTheirReason) {
  const fs::path f =
      write_temp_file("unknown.csv", kHeader + "\n" +
                                         "Nvidia H100 GPU,1,TensorRT-LLM,meta-llama/Meta-Llama-3-8B,128,1,0.9,284\n"
                                         "Imaginary X1,1,TensorRT-LLM,meta-llama/Meta-Llama-3-8B,128,1,0.9,284\n"
                                         "Nvidia H100 GPU,1,TensorRT-LLM,someone/unknown-7b,128,1,0.9,284\n"
                                         "Nvidia H100 GPU,1,TensorRT-LLM,meta-llama/Meta-Llama-3-8B,128,1,0.001,1\n");
  const std::vector<MeasuredRuns> runs{read_measured_runs(f)};
  const ValidationMap map = load_validation_map(source_path("hw-configs/measurements/validation-map.yaml"));
  const MeasuredCases cases(runs, map);
  const ValidationReport report = validate_cases(cases, {f.string()}, false);
  ASSERT_EQ(report.rows.size(), 4u);
  EXPECT_TRUE(report.rows[0].predicted_s.has_value());
  EXPECT_NE(report.rows[1].source->skipped.find("no platform mapped for hardware 'Imaginary X1'"), std::string::npos);
  EXPECT_NE(report.rows[2].source->skipped.find("no model file mapped for 'someone/unknown-7b'"), std::string::npos);
  EXPECT_NE(report.rows[3].source->skipped.find("below the ideal roofline"), std::string::npos);
  const nlohmann::json j = to_json(report);
  EXPECT_TRUE(j["rows"][1]["predicted_latency_s"].is_null());
  EXPECT_TRUE(j["rows"][1]["relative_error"].is_null());
  EXPECT_EQ(j["rows"][0]["skipped"], nullptr);
  EXPECT_EQ(j["rows"][2]["line"], 4);
}

TEST(Validation, EveryShippedProfileLoadsAndCitesItsFit) {
  for (const auto& entry : fs::directory_iterator(source_path("hw-configs/profiles"))) {
    SCOPED_TRACE(entry.path().string());
    const hw::RuntimeProfile p = hw::load_runtime_profile(entry.path());
    if (p.name == "roofline") continue;
    ASSERT_TRUE(p.fit.has_value());
    EXPECT_GT(p.fit->rows_used, 0);
    EXPECT_TRUE(p.sources.contains("fit"));
    EXPECT_TRUE(p.sources.contains("kv_memory"));
    // Writing and reading back gives the same profile.
    const fs::path copy = write_temp_file("copy.yaml", hw::runtime_profile_yaml(p));
    const hw::RuntimeProfile q = hw::load_runtime_profile(copy);
    for (const hw::ProfileParameter& param : hw::profile_parameters())
      EXPECT_NEAR(q.*param.value, p.*param.value, 1e-5 * std::max(1e-9, p.*param.value)) << param.name;
    EXPECT_EQ(q.kv_memory_basis, p.kv_memory_basis);
  }
}

}  // namespace
}  // namespace coesim::validation
