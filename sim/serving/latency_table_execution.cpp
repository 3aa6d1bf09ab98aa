#include "sim/serving/latency_table_execution.h"

#include <fmt/format.h>

#include "sim/config/config_error.h"

namespace coesim::serving {

LatencyTableExecution::LatencyTableExecution(const hw::Platform& platform, int tensor_parallel)
    : table_(load_latency_table(platform.serving.latency_table_file)),
      roofline_(platform, tensor_parallel),
      tensor_parallel_(tensor_parallel) {}

StepTime LatencyTableExecution::prefill(const PrefillStep& step) const {
  const auto batch = static_cast<int>(step.prompt_tokens.size());
  const std::optional<double> s =
      table_.latency_s(step.model->name, tensor_parallel_, batch, step.input_tokens, step.output_tokens);
  if (!s)
    throw config::UsageError(fmt::format(
        "latency table {} has no entry for {} at tensor parallel {}, batch {}, {} input and {} output tokens (it "
        "covers {} with {} in / {} out); the simulator does not extrapolate measurements",
        table_.file, step.model->name, tensor_parallel_, batch, step.input_tokens, step.output_tokens, table_.model,
        table_.input_tokens, table_.output_tokens));
  StepTime t;
  t.measured_s = *s;
  return t;
}

StepTime LatencyTableExecution::decode(const StepModel&, std::span<const std::int64_t>) const {
  return {};  // paid for whole at the prefill
}

StepTime LatencyTableExecution::router_pass(const StepModel& router, std::span<const std::int64_t> tokens) const {
  return roofline_.router_pass(router, tokens);
}

std::string LatencyTableExecution::describe() const {
  return fmt::format(
      "execution model: measured latency table {} ({}), whole requests charged at prefill, so TTFT "
      "equals end-to-end; the router pass uses the roofline",
      table_.name, table_.file);
}

}  // namespace coesim::serving
