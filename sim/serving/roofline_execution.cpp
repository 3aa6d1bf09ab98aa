// The roofline execution model: every step from FLOPs and bytes, with the
// platform's runtime profile (sim/serving/execution_model.h).
#include "sim/serving/roofline_execution.h"

#include <fmt/format.h>

namespace coesim::serving {

namespace {

ExecutionModel without_request_time(const ExecutionModel& m) {
  hw::RuntimeProfile p = m.profile();
  p.request_overhead_s = 0;
  return ExecutionModel(m.hardware(), p);
}

}  // namespace

RooflineExecution::RooflineExecution(const hw::Platform& platform, int tensor_parallel)
    : model_(ExecutionModel::of(platform, tensor_parallel)),
      router_(without_request_time(model_)),
      accelerator_(platform.serving.accelerator),
      platform_name_(platform.name) {}

StepTime RooflineExecution::prefill(const PrefillStep& step) const {
  return model_.prefill(*step.step_model, step.prompt_tokens);
}

StepTime RooflineExecution::decode(const StepModel& model, std::span<const std::int64_t> contexts) const {
  return model_.decode(model, contexts);
}

StepTime RooflineExecution::router_pass(const StepModel& router, std::span<const std::int64_t> prompt_tokens) const {
  return router_.prefill(router, prompt_tokens);
}

std::string RooflineExecution::describe() const {
  const hw::RuntimeProfile& p = model_.profile();
  return fmt::format("execution model: roofline on a TP{} group of {} ({}), runtime profile {}",
                     model_.hardware().tensor_parallel, accelerator_, platform_name_,
                     p.file.empty() ? "from the platform's compute section"
                                    : fmt::format("'{}' ({}; it replaces the compute section's efficiencies and "
                                                  "overheads)",
                                                  p.name, p.file));
}

}  // namespace coesim::serving
