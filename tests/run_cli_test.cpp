// `coesim run` end to end: the JSON summary, the HDF5 results file (read
// back with the HDF5 library), and bad experiment files leaving earlier
// results untouched.
#include <H5Cpp.h>

#include <filesystem>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/cli_runner.h"

namespace coesim {
namespace {

using testing::run_cli;
using testing::slurp;

std::vector<double> read_doubles(const H5::H5File& f, const std::string& path) {
  const H5::DataSet ds = f.openDataSet(path);
  hsize_t n = 0;
  ds.getSpace().getSimpleExtentDims(&n);
  std::vector<double> v(n);
  if (n > 0) ds.read(v.data(), H5::PredType::NATIVE_DOUBLE);
  return v;
}

TEST(RunCli, WritesSummaryAndHdf5ThatAgree) {
  const auto dir = std::filesystem::temp_directory_path() / ("coesim-run-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  const auto r = run_cli("run tests/data/experiments/valid.yaml --out " + dir.string() + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(nlohmann::json::parse(slurp(dir / "summary.json")), j);
  const H5::H5File f((dir / "results.h5").string(), H5F_ACC_RDONLY);
  const std::vector<double> finish = read_doubles(f, "requests/finish_s");
  const std::vector<double> arrival = read_doubles(f, "requests/arrival_s");
  ASSERT_EQ(finish.size(), 10u);
  double makespan = 0;
  for (std::size_t i = 0; i < finish.size(); ++i) {
    EXPECT_GE(finish[i], arrival[i]);
    makespan = std::max(makespan, finish[i]);
  }
  EXPECT_NEAR(makespan, j["summary"]["makespan_s"].get<double>(), 1e-12);
  EXPECT_EQ(read_doubles(f, "switches/start_s").size(), static_cast<std::size_t>(j["summary"]["switches"].get<int>()));
  const std::vector<double> used = read_doubles(f, "timeseries/fast_tier/used_bytes");
  for (const double u : used) EXPECT_LE(u, j["fast_tier_capacity_bytes_per_device"].get<double>());
  // A bad experiment exits 2 and leaves the earlier results as they were.
  const std::string before = slurp(dir / "summary.json");
  const auto bad = run_cli("run tests/data/experiments/batch_zero.yaml --out " + dir.string());
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("batch_zero.yaml:"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("scheduler.batch_size"), std::string::npos) << bad.err;
  EXPECT_EQ(slurp(dir / "summary.json"), before);
  std::filesystem::remove_all(dir);
}

TEST(RunCli, SameExperimentTwiceGivesByteIdenticalSummaries) {
  const auto a = run_cli("run results/samba-coe/sn40l-node.yaml --set workload.requests=40 --json");
  const auto b = run_cli("run results/samba-coe/sn40l-node.yaml --set workload.requests=40 --json");
  ASSERT_EQ(a.exit_code, 0) << a.err;
  auto ja = nlohmann::json::parse(a.out);
  auto jb = nlohmann::json::parse(b.out);
  ja.erase("wall_s");
  jb.erase("wall_s");
  EXPECT_EQ(ja.dump(), jb.dump());
}

}  // namespace
}  // namespace coesim
