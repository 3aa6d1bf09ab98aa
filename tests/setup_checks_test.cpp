// Setups that cannot run (sim/serving/setup_checks.h) are refused when the
// experiment loads, at the line of the setting at fault, and by the serving
// layer when built in code.
#include <string>

#include <gtest/gtest.h>

#include "tests/cli_runner.h"
#include "tests/test_support.h"

namespace coesim {
namespace {

using testing::run_cli;

// The Samba-CoE experiment with Belady's offline policy on two nodes (two
// engines: the future request sequence of each is not known in advance).
TEST(SetupChecks, AnOfflinePolicyOnSeveralEnginesIsAnErrorAtItsLine) {
  const std::string source = testing::source_path("").string();
  const auto file = testing::write_temp_file("belady-two-nodes.yaml",
                                             "name: belady on two nodes\n"
                                             "platform: " +
                                                 source +
                                                 "hw-configs/sn40l-node.yaml\n"
                                                 "nodes: 2\n"
                                                 "experts:\n"
                                                 "  model: " +
                                                 source +
                                                 "models/llama-2-7b.yaml\n"
                                                 "  count: 4\n"
                                                 "residency:\n"
                                                 "  policy: belady\n"
                                                 "workload:\n"
                                                 "  kind: burst\n"
                                                 "  requests: 8\n");
  const auto r = run_cli("run '" + file.string() + "'");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(file.string() + ":8:11: field 'residency.policy': belady needs the future request sequence"),
            std::string::npos)
      << r.err;
}

TEST(SetupChecks, EachSettingAtFaultIsNamed) {
  const std::pair<std::string, std::string> cases[] = {
      {"results/samba-coe/dgx-h100-nemo-paper.yaml --set scheduler.kind=continuous",
       "field 'scheduler.kind': platform 'dgx-h100-nemo' times whole requests"},
      {"results/samba-coe/sn40l-node.yaml --set tensor_parallel=9",
       "field 'tensor_parallel': TP9 exceeds the 8 accelerators of 'sn40l-node'"},
      {"results/samba-coe/sn40l-node.yaml --set 'memory={kv_preemption: swap}'",
       "field 'memory.kv_preemption': kv_preemption swap needs a route from rdu0.hbm to rdu0.ddr"},
  };
  for (const auto& [args, message] : cases) {
    const auto r = run_cli("run " + args);
    EXPECT_EQ(r.exit_code, 2) << args;
    EXPECT_NE(r.err.find(message), std::string::npos) << args << "\n" << r.err;
  }
}

}  // namespace
}  // namespace coesim
