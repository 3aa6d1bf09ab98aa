#pragma once
// `execution_model: latency-table`: a prefill step is charged the measured
// latency of its requests, whole, from a cited table; decode steps cost
// nothing more. The router pass, which the table does not cover, runs on
// the roofline with the platform's profile.
#include "sim/serving/latency_table.h"
#include "sim/serving/roofline_execution.h"

namespace coesim::serving {

class LatencyTableExecution : public Execution {
 public:
  LatencyTableExecution(const hw::Platform& platform, int tensor_parallel);
  bool whole_requests() const override { return true; }
  StepTime prefill(const PrefillStep& step) const override;
  StepTime decode(const StepModel& model, std::span<const std::int64_t> contexts) const override;
  StepTime router_pass(const StepModel& router, std::span<const std::int64_t> prompt_tokens) const override;
  const TpGroupHardware& hardware() const override { return roofline_.hardware(); }
  const hw::RuntimeProfile& profile() const override { return roofline_.profile(); }
  std::string describe() const override;

 private:
  LatencyTable table_;
  RooflineExecution roofline_;
  int tensor_parallel_;
};

}  // namespace coesim::serving
