// A sweep point as `coesim run --set` takes it from the current directory:
// a value naming a file relative to the sweep file is rewritten relative to
// here (as the experiment path is), other values are left as written, and
// the point ids, made from the values as written, do not change.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "sim/experiment/sweep_spec.h"

namespace coesim {
namespace {

namespace fs = std::filesystem;

TEST(SweepPointSets, AFileValueIsGivenFromHereOtherValuesAsWritten) {
  const fs::path dir = fs::temp_directory_path() / fmt::format("coesim-point-sets-{}", ::getpid());
  fs::create_directories(dir / "sweeps");
  std::ofstream(dir / "platform.yaml") << "name: any\n";
  std::ofstream(dir / "sweeps" / "sweep.yaml") << fmt::format(
      "name: sets\nexperiment: {}/tests/data/experiments/valid.yaml\nset: [workload.requests=20]\n"
      "grid:\n  - path: platform\n    values: [../platform.yaml, no-such-file.yaml]\n",
      COESIM_SOURCE_DIR);
  const experiment::SweepSpec s = experiment::load_sweep(dir / "sweeps" / "sweep.yaml", false);
  ASSERT_EQ(s.points.size(), 2u);
  EXPECT_EQ(experiment::point_sets(s, s.points[0]),
            (std::vector<std::string>{"workload.requests=20", "platform=" + (dir / "platform.yaml").string()}));
  EXPECT_EQ(experiment::point_sets(s, s.points[1]),
            (std::vector<std::string>{"workload.requests=20", "platform=no-such-file.yaml"}));
  EXPECT_EQ(s.points[0].assignments, std::vector<std::string>{"platform=../platform.yaml"});  // the id's source
  EXPECT_NE(experiment::point_command_line(s, s.points[0]).find("--set 'platform=" + (dir / "platform.yaml").string()),
            std::string::npos);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace coesim
