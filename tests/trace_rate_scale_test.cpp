// workload.rate_scale of a trace replay: 2 halves every arrival time (the
// requests as generated, and /requests/arrival_s of a run's results.h5);
// the setting belongs to kind trace alone and must be > 0.
#include <H5Cpp.h>

#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "sim/config/config_doc.h"
#include "sim/experiment/experiment.h"
#include "tests/cli_runner.h"
#include "tests/test_support.h"

namespace coesim {
namespace {

using testing::data_path;

std::vector<serving::Request> requests_at(const std::string& rate_scale) {
  config::ConfigDoc doc = config::ConfigDoc::load(data_path("experiments/trace_modulo.yaml"));
  if (!rate_scale.empty()) doc.set_from_text("workload.rate_scale=" + rate_scale);
  return experiment::generate_requests(*experiment::load_experiment(doc));
}

// Arrival time by request id (rows leave results.h5 in the order they end).
std::map<std::int64_t, double> arrivals_of_run(const std::string& sets) {
  const auto dir = testing::fresh_temp_dir("rate-scale-run");
  const auto r = testing::run_cli("run tests/data/experiments/trace_modulo.yaml --quiet --set context_limit=truncate " +
                                  sets + " --out " + dir.string());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const H5::H5File f((dir / "results.h5").string(), H5F_ACC_RDONLY);
  const H5::DataSet arrival = f.openDataSet("requests/arrival_s");
  const H5::DataSet id = f.openDataSet("requests/id");
  hsize_t n = 0;
  arrival.getSpace().getSimpleExtentDims(&n);
  std::vector<double> arrival_s(n);
  std::vector<std::int64_t> ids(n);
  if (n > 0) {
    arrival.read(arrival_s.data(), H5::PredType::NATIVE_DOUBLE);
    id.read(ids.data(), H5::PredType::NATIVE_INT64);
  }
  std::map<std::int64_t, double> out;
  for (hsize_t i = 0; i < n; ++i) out[ids[i]] = arrival_s[i];
  return out;
}

TEST(TraceRateScale, TheDefaultIsOneAndTwoHalvesEveryArrival) {
  const std::vector<serving::Request> as_written = requests_at("");
  const std::vector<serving::Request> one = requests_at("1");
  const std::vector<serving::Request> two = requests_at("2");
  ASSERT_EQ(as_written.size(), 20u);
  ASSERT_EQ(two.size(), as_written.size());
  for (std::size_t i = 0; i < as_written.size(); ++i) {
    EXPECT_EQ(one[i].arrival_ps, as_written[i].arrival_ps);
    EXPECT_LE(std::abs(2 * two[i].arrival_ps - as_written[i].arrival_ps), 1) << i;  // rounded to the picosecond
    EXPECT_EQ(two[i].expert, as_written[i].expert);                                 // the same requests, only sooner
    EXPECT_EQ(two[i].input_tokens, as_written[i].input_tokens);
  }
}

TEST(TraceRateScale, ARunAtTwoHasEveryArrivalHalvedInResults) {
  const std::map<std::int64_t, double> one = arrivals_of_run("");
  const std::map<std::int64_t, double> two = arrivals_of_run("--set workload.rate_scale=2");
  ASSERT_EQ(one.size(), 20u);
  ASSERT_EQ(two.size(), one.size());
  for (const auto& [id, arrival_s] : one) EXPECT_NEAR(two.at(id), arrival_s / 2, 1e-12) << id;
  EXPECT_GT(one.at(19), 30.0);  // the excerpt spans 30 s, so the halving is visible
}

TEST(TraceRateScale, IsRefusedAtItsLineUnderAnotherKindAndMustBePositive) {
  const std::string head =
      "name: burst-with-rate-scale\nplatform: " + data_path("experiments/small_platform.yaml").string() +
      "\nexperts:\n  model: " + data_path("experiments/small_model.yaml").string() + "\n  count: 2\nworkload:\n";
  const auto burst = testing::write_temp_file("burst-rate-scale.yaml", head + "  kind: burst\n  rate_scale: 2\n");
  const config::ConfigError e = testing::expect_config_error([&] { experiment::load_experiment(burst); });
  EXPECT_EQ(e.file(), burst.string());
  EXPECT_EQ(e.line(), testing::line_of(burst, "rate_scale"));
  EXPECT_EQ(e.field(), "workload.rate_scale");
  EXPECT_NE(e.reason().find("applies to workload kind trace, not burst"), std::string::npos) << e.what();

  config::ConfigDoc zero = config::ConfigDoc::load(data_path("experiments/trace_modulo.yaml"));
  zero.set_from_text("workload.rate_scale=0");
  const config::ConfigError z = testing::expect_config_error([&] { experiment::load_experiment(zero); });
  EXPECT_EQ(z.field(), "workload.rate_scale");
}

}  // namespace
}  // namespace coesim
