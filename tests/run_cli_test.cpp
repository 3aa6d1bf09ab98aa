// `coesim run` end to end: the JSON summary, the HDF5 results file (read
// back with the HDF5 library), and bad experiment files leaving earlier
// results untouched.
#include <H5Cpp.h>

#include <cmath>
#include <filesystem>
#include <set>
#include <fstream>
#include <vector>

#include <gtest/gtest.h>
#include <fmt/format.h>
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
  auto j = nlohmann::json::parse(r.out);
  EXPECT_TRUE(j.contains("wall_s"));
  j.erase("wall_s");  // printed, never written: files depend only on the inputs
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
  // Link utilisation: within [0, 1] in every bucket, and the bytes it adds
  // up to over the copy links equal the bytes the switches moved.
  const H5::DataSet u = f.openDataSet("timeseries/link_utilisation");
  hsize_t dims[2] = {0, 0};
  u.getSpace().getSimpleExtentDims(dims);
  std::vector<double> util(dims[0] * dims[1]);
  u.read(util.data(), H5::PredType::NATIVE_DOUBLE);
  double bucket_s = 0;
  u.openAttribute("bucket_s").read(H5::PredType::NATIVE_DOUBLE, &bucket_s);
  const std::vector<double> bandwidth = read_doubles(f, "resources/bandwidth_bytes_per_s");
  ASSERT_EQ(dims[0], bandwidth.size());
  double pcie_bytes = 0;
  const H5::DataSet names = f.openDataSet("resources/name");
  std::vector<char*> raw(dims[0]);
  names.read(raw.data(), names.getStrType());
  for (hsize_t k = 0; k < dims[0]; ++k)
    for (hsize_t b = 0; b < dims[1]; ++b) {
      const double x = util[k * dims[1] + b];
      EXPECT_GE(x, 0.0);
      EXPECT_LE(x, 1.0 + 1e-9);
      if (std::string(raw[k]).rfind("pcie", 0) == 0) pcie_bytes += x * bandwidth[k] * bucket_s;
    }
  H5::DataSet::vlenReclaim(raw.data(), names.getStrType(), names.getSpace());
  EXPECT_NEAR(pcie_bytes, j["summary"]["bytes_moved"].get<double>(), 1e-6 * pcie_bytes);
  // A bad experiment exits 2 and leaves the earlier results as they were.
  const std::string before = slurp(dir / "summary.json");
  const auto bad = run_cli("run tests/data/experiments/batch_zero.yaml --out " + dir.string());
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("batch_zero.yaml:"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("scheduler.batch_size"), std::string::npos) << bad.err;
  EXPECT_EQ(slurp(dir / "summary.json"), before);
  std::filesystem::remove_all(dir);
}

// A time that never came is NaN in results.h5, not a number a mean would
// take in: requests rejected at arrival (longer than the expert's context)
// were never routed, queued, switched or prefilled, and finished as they came.
TEST(RunCli, TimesThatNeverCameAreNaN) {
  const auto dir = std::filesystem::temp_directory_path() / ("coesim-run-never-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  const auto r = run_cli(
      "run tests/data/experiments/valid.yaml --set model.max_context_tokens=100 "
      "--set workload.input_tokens=90 --out " +
      dir.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const H5::H5File f((dir / "results.h5").string(), H5F_ACC_RDONLY);
  const std::vector<double> arrival = read_doubles(f, "requests/arrival_s");
  ASSERT_EQ(arrival.size(), 10u);
  for (const char* never :
       {"routed_s", "queued_s", "switch_start_s", "switch_end_s", "prefill_start_s", "prefill_end_s"})
    for (const double t : read_doubles(f, std::string("requests/") + never)) EXPECT_TRUE(std::isnan(t)) << never;
  EXPECT_EQ(read_doubles(f, "requests/finish_s"), arrival);
  std::filesystem::remove_all(dir);
}

TEST(RunCli, RecordsEveryTokenWhenAsked) {
  const auto dir = std::filesystem::temp_directory_path() / ("coesim-run-tokens-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  const auto r = run_cli("run tests/data/experiments/valid.yaml --set record_token_times=true --out " + dir.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const H5::H5File f((dir / "results.h5").string(), H5F_ACC_RDONLY);
  const std::vector<double> times = read_doubles(f, "tokens/time_s");
  EXPECT_EQ(times.size(), 10u * 20u);  // 10 requests x 20 output tokens
  const std::vector<double> finish = read_doubles(f, "requests/finish_s");
  EXPECT_DOUBLE_EQ(*std::max_element(times.begin(), times.end()), *std::max_element(finish.begin(), finish.end()));
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

// The determinism the trace-replay study relies on: a routed trace replay
// run twice, with the same command line, writes the same bytes (no wall
// time, no HDF5 object times; the provenance records the command line).
TEST(RunCli, SameTraceReplayTwiceWritesByteIdenticalFiles) {
  const auto dir = std::filesystem::temp_directory_path() / "coesim_run_twice";
  std::filesystem::remove_all(dir);
  for (const char* run : {"a", "b"}) {
    const auto r = run_cli(fmt::format("run tests/data/experiments/trace_modulo.yaml --set link_bucket_s=0.5 --out {}",
                                       (dir / "out").string()));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::filesystem::rename(dir / "out", dir / run);
  }
  for (const char* file : {"summary.json", "results.h5"}) {
    const std::string a = slurp(dir / "a" / file);
    EXPECT_FALSE(a.empty()) << file;
    EXPECT_EQ(a, slurp(dir / "b" / file)) << file;
  }
  std::filesystem::remove_all(dir);
}

// Every result says what made it: version, command line, the experiment and
// platform as resolved, and the sha256 of every file the run read.
TEST(RunCli, TheSummaryCarriesItsProvenance) {
  const auto r = run_cli("run tests/data/experiments/trace_modulo.yaml --set scheduler.batch_size=2 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto p = nlohmann::json::parse(r.out)["provenance"];
  EXPECT_FALSE(p["coesim_version"].get<std::string>().empty());
  EXPECT_NE(p["command_line"].get<std::string>().find("--set scheduler.batch_size=2"), std::string::npos);
  EXPECT_NE(p["experiment_yaml"].get<std::string>().find("batch_size: 2"), std::string::npos);
  EXPECT_NE(p["platform_yaml"].get<std::string>().find("name: serving-small"), std::string::npos);
  std::set<std::string> files;
  for (const auto& f : p["inputs"]) {
    files.insert(f["file"].get<std::string>());
    EXPECT_EQ(f["sha256"].get<std::string>().size(), 64u);
  }
  for (const char* expected :
       {"tests/data/experiments/trace_modulo.yaml", "tests/data/experiments/small_platform.yaml",
        "tests/data/experiments/small_model.yaml", "tests/data/traces/azure-code-excerpt-native.csv",
        "workloads/coe/router-mt-bench.yaml", "workloads/prompts/mt-bench-questions.jsonl"})
    EXPECT_TRUE(files.contains(expected)) << expected;
  // --print-config shows the experiment as it would run, and stops.
  const auto printed =
      run_cli("run tests/data/experiments/trace_modulo.yaml --print-config --set scheduler.batch_size=2");
  EXPECT_EQ(printed.exit_code, 0);
  EXPECT_NE(printed.out.find("batch_size: 2"), std::string::npos) << printed.out;
}

// A trace the workload must not silently alter: zero-token rows run with one
// token and are counted in the notes; an arrival past the simulated range
// is bad input naming the trace and the field.
TEST(RunCli, TraceRowsThatCannotRunAsWrittenAreReported) {
  const auto dir = std::filesystem::temp_directory_path() / "coesim_trace_rows";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string data = std::string(COESIM_TEST_DATA_DIR) + "/experiments/";
  const auto experiment = [&](const std::string& trace) {
    std::ofstream(dir / "x.yaml") << "name: rows\nplatform: " << data << "small_platform.yaml\n"
                                  << "experts: {model: " << data << "small_model.yaml, count: 2}\n"
                                  << "workload: {kind: trace, trace: " << (dir / trace).string() << "}\n";
    return (dir / "x.yaml").string();
  };
  std::ofstream(dir / "zeros.csv") << "arrival_time_s,input_tokens,output_tokens,prompt_id,category,expert,session_id\n"
                                   << "0,0,5,,,0,-1\n1,10,0,,,1,-1\n2,0,0,,,1,-1\n";
  const auto ok = run_cli("run " + experiment("zeros.csv") + " --json");
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  const auto notes = nlohmann::json::parse(ok.out)["notes"].dump();
  EXPECT_NE(notes.find("2 trace requests had 0 input tokens"), std::string::npos) << notes;
  EXPECT_NE(notes.find("2 trace requests had 0 output tokens"), std::string::npos) << notes;
  EXPECT_EQ(nlohmann::json::parse(ok.out)["summary"]["finished"], 3);

  std::ofstream(dir / "late.csv") << "arrival_time_s,input_tokens,output_tokens,prompt_id,category,expert,session_id\n"
                                  << "0,10,5,,,0,-1\n1e7,10,5,,,1,-1\n";
  const auto late = run_cli("run " + experiment("late.csv"));
  EXPECT_EQ(late.exit_code, 2);
  EXPECT_NE(late.err.find("late.csv"), std::string::npos) << late.err;
  EXPECT_NE(late.err.find("arrival_time_s"), std::string::npos) << late.err;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace coesim

namespace coesim {
namespace {

// 1,000 7B experts do not fit a DGX H100's 2 TiB of host DRAM: the run says
// so in its notes; over 8 nodes, partitioned (125 each), they fit and it does not.
TEST(RunCli, ExpertsThatDoNotFitTheSlowTierAreNamedInTheNotes) {
  const std::string run =
      "run results/cluster/experiment.yaml --json --quiet --set platform=hw-configs/dgx-h100.yaml --set "
      "experts.count=1000 --set workload.requests=20";
  const auto one = run_cli(run);
  ASSERT_EQ(one.exit_code, 0) << one.err;
  const std::string notes = nlohmann::json::parse(one.out).at("notes").dump();
  EXPECT_NE(notes.find("warning: the experts need 13.5 TB of host.dram (on 'dgx-h100') and it holds 2.2 TB"),
            std::string::npos)
      << notes;
  const auto eight = run_cli(run + " --set nodes=8");
  ASSERT_EQ(eight.exit_code, 0) << eight.err;
  EXPECT_EQ(nlohmann::json::parse(eight.out).at("notes").dump().find("warning: the experts"), std::string::npos);
}

}  // namespace
}  // namespace coesim
