// The execution models behind one interface, chosen by the platform's name
// for them: the roofline with the platform's profile, and a measured latency
// table charging whole requests at prefill.
#include <gtest/gtest.h>

#include "sim/config/config_error.h"
#include "sim/hw/platform_loader.h"
#include "sim/llm/load_model.h"
#include "sim/serving/execution.h"
#include "tests/test_support.h"

namespace coesim::serving {
namespace {

using testing::source_path;

TEST(Execution, ThePlatformNamesItsModel) {
  EXPECT_EQ(execution_model_names(), (std::vector<std::string>{"roofline", "latency-table"}));
  const llm::ModelSpec model = llm::load_model(source_path("models/llama-2-7b.yaml"));
  const StepModel step = StepModel::of(model);
  const std::vector<std::int64_t> prompt{128};
  const hw::Platform roofline_platform = hw::load_platform(source_path("hw-configs/dgx-h100.yaml"));
  const auto roofline = make_execution(roofline_platform, 8);
  EXPECT_FALSE(roofline->whole_requests());
  const double roofline_prefill = roofline->prefill({&model, &step, prompt, 128, 20}).total_s();
  EXPECT_DOUBLE_EQ(roofline_prefill, ExecutionModel::of(roofline_platform, 8).prefill(step, prompt).total_s());
  EXPECT_NE(roofline->describe().find("roofline"), std::string::npos);
  // A request pays the profile's per-request time once: at its expert, not in the router pass.
  hw::Platform profiled = roofline_platform;
  hw::RuntimeProfile p;
  p.request_overhead_s = 5e-3;
  profiled.serving.runtime_profile = p;
  const auto with_request_time = make_execution(profiled, 8);
  EXPECT_NEAR(with_request_time->prefill({&model, &step, prompt, 128, 20}).total_s() -
                  with_request_time->router_pass(step, prompt).total_s(),
              5e-3, 1e-12);

  const hw::Platform table_platform = hw::load_platform(source_path("hw-configs/dgx-h100-nemo.yaml"));
  const auto table = make_execution(table_platform, 8);
  EXPECT_TRUE(table->whole_requests());
  // The registry's trait says the same without building the model.
  EXPECT_EQ(times_whole_requests(table_platform), table->whole_requests());
  EXPECT_EQ(times_whole_requests(roofline_platform), roofline->whole_requests());
  EXPECT_DOUBLE_EQ(table->prefill({&model, &step, prompt, 128, 20}).total_s(), 0.0976);  // NeMo TP8 BS1, H100
  EXPECT_EQ(table->decode(step, prompt).total_s(), 0.0);
  // The router pass is not in the table: it runs on the roofline.
  EXPECT_DOUBLE_EQ(table->router_pass(step, prompt).total_s(), roofline->router_pass(step, prompt).total_s());
  // A shape the table does not hold is an error, never an extrapolation.
  EXPECT_THROW(table->prefill({&model, &step, prompt, 128, 200}), config::UsageError);
}

}  // namespace
}  // namespace coesim::serving
