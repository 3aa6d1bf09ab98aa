#pragma once
// `execution_model: roofline`: steps timed by the roofline and the
// platform's runtime profile (ExecutionModel). The router pass and the
// expert's prefill serve one request, so the profile's per-request time is
// charged at the expert's prefill only.
#include "sim/serving/execution.h"

namespace coesim::serving {

class RooflineExecution : public Execution {
 public:
  RooflineExecution(const hw::Platform& platform, int tensor_parallel);
  bool whole_requests() const override { return false; }
  StepTime prefill(const PrefillStep& step) const override;
  StepTime decode(const StepModel& model, std::span<const std::int64_t> contexts) const override;
  StepTime router_pass(const StepModel& router, std::span<const std::int64_t> prompt_tokens) const override;
  const TpGroupHardware& hardware() const override { return model_.hardware(); }
  const hw::RuntimeProfile& profile() const override { return model_.profile(); }
  std::string describe() const override;

 private:
  ExecutionModel model_;
  ExecutionModel router_;  // the same without the per-request time: a request pays it once, at its expert
  std::string accelerator_;
  std::string platform_name_;
};

}  // namespace coesim::serving
