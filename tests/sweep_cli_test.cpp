// `coesim sweep` end to end: bad sweep files fail at their line before any
// point runs, the table is the same bytes on 1 or 2 threads (MPI: in
// sweep_mpi_test.sh), a point that fails is recorded and the rest go on, a
// sweep killed midway resumes without redoing its finished points, and a
// point's summary.json reruns with `coesim run --reproduce`.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/cli_runner.h"

namespace coesim {
namespace {

using testing::run_cli;
using testing::slurp;

namespace fs = std::filesystem;

struct SweepDir {
  fs::path dir;
  explicit SweepDir(const std::string& name)
      : dir(fs::temp_directory_path() / fmt::format("coesim-sweep-{}-{}", name, ::getpid())) {
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  ~SweepDir() { fs::remove_all(dir); }
  // Writes a sweep over the SN40L Samba-CoE experiment with `body` after the header.
  fs::path sweep(const std::string& body, const std::string& file = "sweep.yaml") const {
    std::ofstream(dir / file) << fmt::format("name: test\nexperiment: {}/results/samba-coe/sn40l-node.yaml\n{}",
                                             COESIM_SOURCE_DIR, body);
    return dir / file;
  }
};

std::size_t csv_rows(const fs::path& csv) {
  std::ifstream in(csv);
  std::size_t n = 0;
  for (std::string line; std::getline(in, line);) ++n;
  return n - 1;
}

TEST(SweepCli, BadSweepFilesFailAtTheirLineBeforeAnyPointRuns) {
  const SweepDir d("bad");
  const std::map<std::string, std::pair<std::string, std::string>> cases{
      {"unknown path", {"grid:\n  - path: scheduler.batch_sise\n    values: [1, 8]\n", ":5:14"}},
      {"refused value", {"grid:\n  - path: scheduler.batch_size\n    values: [1, 0]\n", ":5:17"}},
      {"empty list", {"grid:\n  - path: scheduler.batch_size\n    values: []\n", ":5:"}},
      {"unequal zip",
       {"zip:\n  - path: scheduler.batch_size\n    values: [1, 2]\n  - path: workload.requests\n    values: [10]\n",
        ":6:"}},
      {"unknown platform path",
       {"grid:\n  - path: platform.links.nope.bandwidth_bytes_per_s\n    values: [1e9]\n", ":5:14"}},
      {"no axis", {"set: [workload.requests=4]\n", "needs at least one axis"}},
      // Three threads check values {1, 4}, {2, -1} and {3, 0}: the error is
      // the first refused value in the file, as one thread would find.
      {"two refused values", {"grid:\n  - path: scheduler.batch_size\n    values: [1, 2, 3, 4, -1, 0]\n", ":5:26"}},
  };
  for (const auto& [what, body_and_where] : cases)
    for (const char* jobs : {"1", "3"}) {
      const fs::path file = d.sweep(body_and_where.first);
      const auto r = run_cli(fmt::format("sweep {} --out {} --jobs {}", file.string(), (d.dir / "out").string(), jobs));
      EXPECT_EQ(r.exit_code, 2) << what << ": " << r.err;
      EXPECT_NE(r.err.find("sweep.yaml"), std::string::npos) << what << ": " << r.err;
      EXPECT_NE(r.err.find(body_and_where.second), std::string::npos) << what << ", jobs " << jobs << ": " << r.err;
      EXPECT_FALSE(fs::exists(d.dir / "out" / "points")) << what;
    }
}

// One thread or two give the same table, byte for byte; seeds are the
// innermost axis; a failing point is recorded with its error, the others run.
TEST(SweepCli, ThreadsGiveTheSameTableAndAFailingPointIsRecorded) {
  const SweepDir d("threads");
  const fs::path file = d.sweep(
      "set: [workload.requests=16]\n"
      "grid:\n  - path: scheduler.batch_size\n    values: [1, 4]\n"
      "  - path: memory.workspace_bytes\n    values: [0, 10 TB]\n"  // 10 TB: loads, but cannot run
      "seeds: [1, 2]\nseed_path: workload.seed\n");
  const auto one = run_cli(fmt::format("sweep {} --out {} --json --quiet", file.string(), (d.dir / "one").string()));
  const auto two =
      run_cli(fmt::format("sweep {} --out {} --jobs 2 --json --quiet", file.string(), (d.dir / "two").string()));
  EXPECT_EQ(one.exit_code, 1) << one.err;  // some points failed
  EXPECT_EQ(two.exit_code, 1) << two.err;
  const nlohmann::json j = nlohmann::json::parse(one.out);
  EXPECT_EQ(j.at("points"), 8);
  EXPECT_EQ(j.at("failed"), 4);
  for (const char* table : {"sweep.csv", "sweep.h5"})
    EXPECT_EQ(slurp(d.dir / "one" / table), slurp(d.dir / "two" / table)) << table;
  const std::string csv = slurp(d.dir / "one" / "sweep.csv");
  EXPECT_EQ(csv_rows(d.dir / "one" / "sweep.csv"), 8u);
  EXPECT_NE(csv.find("point,point_id,status,error,scheduler.batch_size,memory.workspace_bytes,seed,requests"),
            std::string::npos);
  EXPECT_NE(csv.find("failed,bad input: router weights and workspace"), std::string::npos) << csv;
  // A finished point's summary reruns to the same bytes.
  const std::string first_id = csv.substr(csv.find('\n') + 3, 12);
  const auto again =
      run_cli(fmt::format("run --reproduce {} --quiet", (d.dir / "one/points" / first_id / "summary.json").string()));
  EXPECT_EQ(again.exit_code, 0) << again.err;
}

// SIGKILL midway: the rerun runs only what had not finished, and the table
// has every point once.
TEST(SweepCli, AKilledSweepResumesWithoutRedoingFinishedPoints) {
  const SweepDir d("kill");
  const fs::path file = d.sweep(
      "set: [workload.requests=3000]\n"
      "grid:\n  - path: scheduler.batch_size\n    values: [1, 2, 3, 4, 5, 6, 7, 8]\n"
      "  - path: workload.output_tokens\n    values: [20, 21, 22]\n");
  const fs::path out = d.dir / "out";
  const std::string start =
      fmt::format("cd '{}' && ('{}' sweep '{}' --out '{}' --quiet >/dev/null 2>&1 & echo $! > '{}')", COESIM_SOURCE_DIR,
                  COESIM_BINARY, file.string(), out.string(), (d.dir / "pid").string());
  ASSERT_EQ(std::system(start.c_str()), 0);
  const pid_t pid = std::stoi(slurp(d.dir / "pid"));
  const auto finished = [&] {
    std::map<std::string, fs::file_time_type> done;
    if (fs::exists(out / "points"))
      for (const auto& p : fs::directory_iterator(out / "points"))
        if (fs::exists(p.path() / "summary.json"))
          done[p.path().filename().string()] = fs::last_write_time(p.path() / "summary.json");
    return done;
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (finished().size() < 3 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ::kill(pid, SIGKILL);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const auto before = finished();
  ASSERT_GE(before.size(), 3u);
  ASSERT_LT(before.size(), 24u) << "the sweep ended before it was killed: make its points slower";
  EXPECT_FALSE(fs::exists(out / "sweep.csv"));

  const auto r = run_cli(fmt::format("sweep {} --out {} --json --quiet", file.string(), out.string()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j.at("already_finished").get<std::size_t>(), before.size());
  EXPECT_EQ(j.at("ran").get<std::size_t>(), 24 - before.size());
  const auto after = finished();
  EXPECT_EQ(after.size(), 24u);
  for (const auto& [id, time] : before) EXPECT_EQ(after.at(id), time) << "point " << id << " ran again";
  const std::string csv = slurp(out / "sweep.csv");
  EXPECT_EQ(csv_rows(out / "sweep.csv"), 24u);
  std::set<std::string> ids;
  for (const auto& [id, time] : after) {
    EXPECT_NE(csv.find("," + id + ",ok,"), std::string::npos) << id;
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 24u);
}

}  // namespace
}  // namespace coesim
