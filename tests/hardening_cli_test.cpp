// Bad or extreme input never crashes, hangs or gives a wrong number, and
// outputs cannot be corrupted: one regression test per defect class of the
// hardening issue (each named after what it guards), driven through the CLI
// as a user meets it.
#include <H5Cpp.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "sim/workload/trace_file.h"
#include "tests/cli_runner.h"
#include "tests/test_support.h"

namespace coesim {
namespace {

using testing::run_cli;

bool says(const testing::CliResult& r, const std::string& text) { return r.err.find(text) != std::string::npos; }

// ---- outputs ----------------------------------------------------------------

TEST(Hardening, ConcurrentWritersOfOnePathLeaveOneWholeFile) {
  const auto dir = testing::fresh_temp_dir("concurrent");
  const auto out = (dir / "same.h5").string();
  const std::string generate =
      "'" + std::string(COESIM_BINARY) + "' trace generate --requests 1000000 --out '" + out + "'";
  // Two writers half overlapping, as in the report (it used to commit an unreadable file).
  const std::string both = "(" + generate + " --seed 1 >/dev/null & " + generate + " --seed 2 >/dev/null; wait)";
  ASSERT_EQ(std::system(both.c_str()), 0);
  const auto stats = run_cli("trace stats '" + out + "'");
  EXPECT_EQ(stats.exit_code, 0) << stats.err;
  EXPECT_NE(stats.out.find("1000000"), std::string::npos) << stats.out;
  EXPECT_EQ(testing::temporaries_of(out), 0);
}

TEST(Hardening, AnUnwritableOutputIsBadInputNamingThePath) {
  const auto h5 = run_cli("trace generate --requests 10 --out /nonexistent-dir/t.h5");
  EXPECT_EQ(h5.exit_code, 2);
  EXPECT_TRUE(says(h5, "cannot write /nonexistent-dir/t.h5")) << h5.err;
  const auto run = run_cli("run results/samba-coe/sn40l-node.yaml --quiet --out /dev/null/run");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(says(run, "/dev/null/run")) << run.err;
}

TEST(Hardening, AFailedWriteToStandardOutputIsAnError) {
  const std::string cmd =
      "cd '" + std::string(COESIM_SOURCE_DIR) + "' && '" + COESIM_BINARY +
      "' switch --hw hw-configs/sn40l-node.yaml --model models/llama-3.1-8b.yaml > /dev/full 2>/dev/null";
  const int status = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 2);
}

TEST(Hardening, AnInterruptedWriterLeavesTheEarlierFileAndNoTemporary) {
  const auto dir = testing::fresh_temp_dir("interrupted");
  const auto out = dir / "t.h5";
  ASSERT_EQ(run_cli("trace generate --requests 10 --out '" + out.string() + "'").exit_code, 0);
  const std::string earlier = testing::slurp(out);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::execl(COESIM_BINARY, COESIM_BINARY, "trace", "generate", "--requests", "100000000", "--out", out.c_str(),
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // Wait until the writer has its temporary, then interrupt it.
  for (int i = 0; i < 500 && testing::temporaries_of(out) == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(testing::temporaries_of(out), 1);
  ::kill(child, SIGINT);
  int status = 0;
  ::waitpid(child, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT);
  EXPECT_EQ(testing::temporaries_of(out), 0);
  EXPECT_EQ(testing::slurp(out), earlier);
}

// ---- numbers ----------------------------------------------------------------

TEST(Hardening, ACopyPastTheTimeRangeIsAnErrorNotZero) {
  const auto r = run_cli(
      "switch --hw hw-configs/sn40l-node.yaml --model models/llama-3.1-8b.yaml "
      "--set 'links.ddr_to_hbm.bandwidth_bytes_per_s=125 B/s'");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(says(r, "past the simulated time range")) << r.err;
  EXPECT_TRUE(says(r, "ddr_to_hbm")) << r.err;
  const auto run = run_cli(
      "run results/samba-coe/sn40l-node.yaml --quiet "
      "--set 'platform.links.ddr_to_hbm.bandwidth_bytes_per_s=125 B/s'");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(says(run, "past the simulated time range")) << run.err;
}

TEST(Hardening, IntegersWiderThanTheirFieldFailAtTheField) {
  for (const std::string field : {"memory.kv_block_tokens", "scheduler.batch_size", "tensor_parallel"}) {
    const auto r = run_cli("run results/samba-coe/sn40l-node.yaml --quiet --set " + field + "=4294967297");
    EXPECT_EQ(r.exit_code, 2) << field;
    EXPECT_TRUE(says(r, "32-bit")) << r.err;
  }
}

TEST(Hardening, RouterIntegersWiderThanTheirFieldFailAtTheField) {
  std::ifstream in(testing::source_path("workloads/coe/router-mt-bench.yaml"));
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const auto& [from, to] :
       {std::pair{"k: 5", "k: 4294967297"}, std::pair{"dimension: 512", "dimension: 4294967808"}}) {
    std::string edited = text;
    edited.replace(edited.find(from), std::string(from).size(), to);
    const auto file =
        testing::source_path("workloads/coe") / (".hardening-router-" + std::to_string(::getpid()) + ".yaml");
    std::ofstream(file) << edited;  // beside the original, so its relative paths resolve
    const auto r =
        run_cli("route --router '" + file.string() + "' --prompts workloads/prompts/mt-bench-questions.jsonl");
    std::filesystem::remove(file);
    EXPECT_EQ(r.exit_code, 2) << to;
    EXPECT_TRUE(says(r, "32-bit")) << r.err;
  }
}

TEST(Hardening, NonFiniteNumbersOnTheCommandLineAreRefused) {
  for (const std::string value : {"nan", "inf", "-inf"}) {
    const auto r = run_cli("trace generate --requests 10 --out /tmp/never.h5 --zipf-alpha " + value);
    EXPECT_EQ(r.exit_code, 2) << value;
    EXPECT_TRUE(says(r, "not a finite number")) << r.err;
  }
  const auto entropy = run_cli(
      "label --entropy-threshold-bits nan --router workloads/coe/router-mt-bench.yaml "
      "--pool workloads/prompts/mt-bench-questions.jsonl --out /tmp/never.jsonl");
  EXPECT_EQ(entropy.exit_code, 2);
  EXPECT_TRUE(says(entropy, "not a finite number")) << entropy.err;
  // Out-of-range numbers say the rule, not the largest double.
  const auto negative = run_cli("map --experts workloads/coe/experts.yaml --budget-b -1");
  EXPECT_EQ(negative.exit_code, 2);
  EXPECT_TRUE(says(negative, "--budget-b: '-1' is not > 0")) << negative.err;
  EXPECT_FALSE(says(negative, "179769")) << negative.err;
}

TEST(Hardening, AModelTooLargeToSimulateFailsAtLoad) {
  const auto model = testing::write_temp_file(
      "huge-model.yaml",
      "name: huge\nsources: {t: test}\nnum_layers: 2147483647\nhidden_size: 2147483647\nnum_attention_heads: 1\n"
      "num_kv_heads: 1\nhead_dim: 2147483647\nffn_intermediate_size: 2147483647\nvocab_size: 2\n"
      "max_context_tokens: 2147483647\npublished_parameter_count: 1\n");
  const auto r = run_cli("switch --hw hw-configs/sn40l-node.yaml --model '" + model.string() + "'");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(says(r, "too large to simulate")) << r.err;
}

TEST(Hardening, AMilpScoreTheSolverCannotHandleIsRefusedAtItsLine) {
  std::ifstream in(testing::source_path("workloads/coe/experts.yaml"));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto at = text.find("3.829457364341085");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 17, "1e30");
  const auto file = testing::source_path("workloads/coe") / (".hardening-" + std::to_string(::getpid()) + ".yaml");
  std::ofstream(file) << text;  // beside the original, so its relative paths resolve
  const auto r = run_cli("map --experts '" + file.string() + "' --budget-b 100");
  std::filesystem::remove(file);
  EXPECT_EQ(r.exit_code, 2);  // CLP used to abort (SIGABRT)
  EXPECT_TRUE(says(r, "MILP solver")) << r.err;
  EXPECT_TRUE(says(
      r, ":" +
             std::to_string(testing::line_of(testing::source_path("workloads/coe/experts.yaml"), "3.829457364341085")) +
             ":"))
      << r.err;
}

// ---- bounded work and YAML ----------------------------------------------------

TEST(Hardening, ATinyUtilisationBucketIsRefusedBeforeItAllocates) {
  const auto low = run_cli("run results/samba-coe/sn40l-node.yaml --quiet --set link_bucket_s=1e-15");
  EXPECT_EQ(low.exit_code, 2);
  EXPECT_TRUE(says(low, "link_bucket_s")) << low.err;
  const auto many = run_cli("run results/samba-coe/sn40l-node.yaml --quiet --set link_bucket_s=1e-6");
  EXPECT_EQ(many.exit_code, 2);
  EXPECT_TRUE(says(many, "raise link_bucket_s")) << many.err;
}

// Generated requests have stated limits, checked before the first is made:
// a synthetic workload is held in memory, a generated trace is written.
TEST(Hardening, TooManyGeneratedRequestsAreRefusedBeforeAnyIsMade) {
  const auto held = run_cli("run results/samba-coe/sn40l-node.yaml --quiet --set workload.requests=99999999999");
  EXPECT_EQ(held.exit_code, 2);
  EXPECT_TRUE(says(held, "workload.requests")) << held.err;
  EXPECT_TRUE(says(held, "10000000")) << held.err;
  const auto dir = testing::fresh_temp_dir("generate");
  const auto written = run_cli("trace generate --requests 2000000000 --out '" + (dir / "t.h5").string() + "'");
  EXPECT_EQ(written.exit_code, 2);
  EXPECT_TRUE(says(written, "more than one trace may hold")) << written.err;
  EXPECT_TRUE(std::filesystem::is_empty(dir)) << "a refused trace left a file";
}

// Device instances and cluster nodes have stated limits: 1e8 GPUs took
// unbounded time building the network (fuzz platform/slow-unit-ae37, 11,336
// devices, now a regression input).
TEST(Hardening, APlatformOrClusterTooLargeIsRefusedAtItsField) {
  const auto devices =
      run_cli("run tests/data/experiments/valid.yaml --quiet --set platform.devices.gpu.count=100000000");
  EXPECT_EQ(devices.exit_code, 2);
  EXPECT_TRUE(says(devices, "field 'devices.gpu.count': value 100000000 out of range: must be >= 1 and <= 4096"))
      << devices.err;
  const auto nodes = run_cli("run tests/data/experiments/valid.yaml --quiet --set nodes=100000000");
  EXPECT_EQ(nodes.exit_code, 2);
  EXPECT_TRUE(says(nodes, "<= 65536")) << nodes.err;
}

TEST(Hardening, ADeepExtendsChainIsRefused) {
  const auto dir = testing::fresh_temp_dir("extends");
  std::ofstream(dir / "f0.yaml") << "name: base\n";
  for (int i = 1; i <= 40; ++i) std::ofstream(dir / fmt::format("f{}.yaml", i)) << "extends: f" << i - 1 << ".yaml\n";
  const auto r = run_cli("run '" + (dir / "f40.yaml").string() + "'");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(says(r, "longer than 16 files")) << r.err;
}

TEST(Hardening, AKeyWrittenTwiceIsAnErrorAtItsSecondLine) {
  const auto file = testing::write_temp_file("twice.yaml", "name: a\nplatform: x.yaml\nname: b\n");
  const auto r = run_cli("run '" + file.string() + "'");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(says(r, "twice.yaml:3:1")) << r.err;
  EXPECT_TRUE(says(r, "given twice")) << r.err;
}

// ---- native trace reader ------------------------------------------------------

TEST(Hardening, NativeTraceRowsAreCheckedAsConvertChecksThem) {
  const std::string header = std::string(workload::native_csv_header()) + "\n";
  const std::pair<std::string, std::string> cases[] = {
      {"0,10,5,,,-1,-1\n0,-3,5,,,-1,-1\n", "input_tokens"},
      {"nan,10,5,,,-1,-1\n", "arrival_time_s"},
      {"2,10,5,,,-1,-1\n1,10,5,,,-1,-1\n", "arrival_time_s"},
      {"0,10,5,,,-7,-1\n", "expert"},
  };
  int n = 0;
  for (const auto& [rows, field] : cases) {
    const auto file = testing::write_temp_file("bad-" + std::to_string(n++) + ".csv", header + rows);
    try {
      workload::read_trace(file, [](const workload::TraceRecord&) { return true; });
      ADD_FAILURE() << rows << " was accepted";
    } catch (const config::ConfigError& e) {
      EXPECT_EQ(e.field(), field) << e.what();
      EXPECT_GT(e.line(), 1) << e.what();
    }
  }
}

TEST(Hardening, ATwoDimensionalTraceColumnIsRefusedNotOverflowed) {
  const auto file = testing::write_temp_file("two-d.h5", "");
  {
    H5::H5File h5(file.string(), H5F_ACC_TRUNC);
    H5::Group g = h5.createGroup("trace");
    const hsize_t dims[2] = {4, 3};
    const H5::DataSpace space(2, dims);
    const double zeros[12] = {};
    g.createDataSet("arrival_time_s", H5::PredType::NATIVE_DOUBLE, space).write(zeros, H5::PredType::NATIVE_DOUBLE);
    const hsize_t n = 4;
    const H5::DataSpace one(1, &n);
    const std::int64_t ints[4] = {};
    for (const char* c : {"input_tokens", "output_tokens", "session_id"})
      g.createDataSet(c, H5::PredType::NATIVE_INT64, one).write(ints, H5::PredType::NATIVE_INT64);
    const std::int32_t experts[4] = {};
    g.createDataSet("expert", H5::PredType::NATIVE_INT32, one).write(experts, H5::PredType::NATIVE_INT32);
  }
  try {
    workload::read_trace(file, [](const workload::TraceRecord&) { return true; });
    ADD_FAILURE() << "a 2-D column was accepted";
  } catch (const config::ConfigError& e) {
    EXPECT_EQ(e.field(), "trace/arrival_time_s");
    EXPECT_NE(std::string(e.what()).find("1-D"), std::string::npos) << e.what();
  }
}

// A trace written as h5py writes one (contiguous datasets, variable-length
// strings): the numbers columns hold rows 0..3, the strings `strings`.
std::filesystem::path write_contiguous_trace(const std::string& name, const std::vector<std::string>& strings) {
  const auto file = testing::write_temp_file(name, "");
  H5::H5File h5(file.string(), H5F_ACC_TRUNC);
  H5::Group g = h5.createGroup("trace");
  const hsize_t n = strings.size();
  const H5::DataSpace one(1, &n);
  std::vector<double> arrivals(n);
  std::vector<std::int64_t> tokens(n, 8), sessions(n, -1);
  std::vector<std::int32_t> experts(n, 0);
  for (hsize_t i = 0; i < n; ++i) arrivals[i] = static_cast<double>(i);
  g.createDataSet("arrival_time_s", H5::PredType::NATIVE_DOUBLE, one)
      .write(arrivals.data(), H5::PredType::NATIVE_DOUBLE);
  for (const char* c : {"input_tokens", "output_tokens"})
    g.createDataSet(c, H5::PredType::NATIVE_INT64, one).write(tokens.data(), H5::PredType::NATIVE_INT64);
  g.createDataSet("session_id", H5::PredType::NATIVE_INT64, one).write(sessions.data(), H5::PredType::NATIVE_INT64);
  g.createDataSet("expert", H5::PredType::NATIVE_INT32, one).write(experts.data(), H5::PredType::NATIVE_INT32);
  const H5::StrType str(H5::PredType::C_S1, H5T_VARIABLE);
  std::vector<const char*> raw;
  for (const std::string& s : strings) raw.push_back(s.c_str());
  g.createDataSet("category", str, one).write(raw.data(), str);
  return file;
}

// Where the category column's string descriptors start in a contiguous trace.
std::uint64_t category_descriptors_at(const std::filesystem::path& file) {
  const H5::H5File h5(file.string(), H5F_ACC_RDONLY);
  return H5Dget_offset(h5.openDataSet("trace/category").getId());
}

void overwrite(const std::filesystem::path& file, std::uint64_t at, const char* bytes, std::size_t n) {
  std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(static_cast<std::streamoff>(at));
  f.write(bytes, static_cast<std::streamsize>(n));
}

config::ConfigError read_trace_error(const std::filesystem::path& file) {
  return testing::expect_config_error(
      [&] { workload::read_trace(file, [](const workload::TraceRecord&) { return true; }); });
}

// HDF5 allocates a string at the length its descriptor claims before reading
// it: a corrupt length made a 4-row trace take 2 GB (fuzz trace_h5/oom-*,
// now regression inputs). coesim decodes the strings itself, each checked
// against the heap object holding it.
TEST(Hardening, AStringLengthThatCannotFitInTheFileIsRefusedBeforeAnythingIsAllocated) {
  const auto file = write_contiguous_trace("vlen.h5", {"math", "code", "writing", "math"});
  std::vector<workload::TraceRecord> rows;
  workload::read_trace(file, [&](const workload::TraceRecord& r) {
    rows.push_back(r);
    return true;
  });
  ASSERT_EQ(rows.size(), 4u);  // an h5py-style contiguous file reads as before
  EXPECT_EQ(rows[2].category, "writing");

  const std::uint64_t at = category_descriptors_at(file);
  ASSERT_NE(at, HADDR_UNDEF);
  const char huge_length[4] = {0, 0, 0, 0x7f};  // the first string claims 2 GB
  overwrite(file, at, huge_length, 4);
  const config::ConfigError e = read_trace_error(file);
  EXPECT_EQ(e.field(), "trace/category");
  EXPECT_NE(std::string(e.what()).find("row 0: the string claims 2130706432 bytes; its heap object holds 4"),
            std::string::npos)
      << e.what();
}

// HDF5 1.10 parses a global heap collection in a loop that never ends when
// an object's size is 0 (fuzz embeddings_h5/timeout-4e6f, now a regression
// input): the reader walks the collections first and refuses a corrupt one.
TEST(Hardening, AStringHeapThatWouldHangHdf5IsRefused) {
  const auto file = write_contiguous_trace("heap.h5", {"math", "code"});
  std::uint64_t heap = 0;
  {
    std::ifstream f(file, std::ios::binary);
    f.seekg(static_cast<std::streamoff>(category_descriptors_at(file) + 4));  // the first heap address
    f.read(reinterpret_cast<char*>(&heap), 8);
  }
  ASSERT_GT(heap, 0u);
  const char zeros[16] = {};
  overwrite(file, heap + 16, zeros, 16);  // the first object: index 0 and size 0
  const config::ConfigError e = read_trace_error(file);
  EXPECT_EQ(e.field(), "trace/category");
  EXPECT_NE(std::string(e.what()).find("the string heap at address " + std::to_string(heap)), std::string::npos)
      << e.what();
}

// HDF5 1.10.8 follows a local heap's free list until its end marker,
// allocating as it goes: a list that loops took all memory (fuzz
// trace_h5/timeout-685c, now a regression input). The heaps are walked first.
TEST(Hardening, ALocalHeapWhoseFreeListLoopsIsRefused) {
  const auto file = write_contiguous_trace("loop.h5", {"math", "code"});
  const std::string bytes = testing::slurp(file);
  std::uint64_t block_at = 0;  // the first free block of a heap that has one
  for (std::size_t at = bytes.find("HEAP"); at != std::string::npos && block_at == 0; at = bytes.find("HEAP", at + 1)) {
    std::uint64_t free_list = 0, data = 0;
    std::memcpy(&free_list, bytes.data() + at + 16, 8);
    std::memcpy(&data, bytes.data() + at + 24, 8);
    if (free_list != 1) block_at = data + free_list;  // 1: an empty list
  }
  ASSERT_GT(block_at, 0u) << "no local heap with a free block in the test file";
  const std::uint64_t offset = block_at - [&] {
    std::uint64_t data = 0;
    std::memcpy(&data, bytes.data() + bytes.rfind("HEAP", block_at) + 24, 8);
    return data;
  }();
  overwrite(file, block_at, reinterpret_cast<const char*>(&offset), 8);  // the block's next is itself
  const config::ConfigError e = read_trace_error(file);
  EXPECT_NE(std::string(e.what()).find("its free list returns to offset " + std::to_string(offset)), std::string::npos)
      << e.what();
}

// A corrupt HDF5 file's error says HDF5's innermost cause, not only which
// call failed ("H5Fopen failed"). (A truncated file: HDF5 leaks nothing on it,
// so this runs under the suite's own leak suppressions.)
TEST(Hardening, AnHdf5ReadErrorSaysWhyNotOnlyWhichCallFailed) {
  const std::string whole =
      testing::slurp(std::filesystem::path(COESIM_SOURCE_DIR) / "tests/fuzz/corpus/trace_h5/routed.h5");
  const auto file = testing::write_temp_file("truncated.h5", whole.substr(0, whole.size() / 2));
  const config::ConfigError e = read_trace_error(file);
  EXPECT_NE(std::string(e.what()).find("H5Fopen failed: truncated file"), std::string::npos) << e.what();
}

}  // namespace
}  // namespace coesim
