#include "sim/serving/execution.h"

#include <functional>
#include <utility>

#include "sim/config/config_error.h"
#include "sim/serving/latency_table_execution.h"
#include "sim/serving/roofline_execution.h"

namespace coesim::serving {
namespace {

using Factory = std::function<std::unique_ptr<Execution>(const hw::Platform&, int)>;

struct ExecutionKind {
  std::string name;
  bool whole_requests;  // what its Execution::whole_requests() says
  Factory make;
};

const std::vector<ExecutionKind>& registry() {
  static const std::vector<ExecutionKind> r{
      {"roofline", false, [](const hw::Platform& p, int tp) { return std::make_unique<RooflineExecution>(p, tp); }},
      {"latency-table", true,
       [](const hw::Platform& p, int tp) { return std::make_unique<LatencyTableExecution>(p, tp); }},
  };
  return r;
}

const ExecutionKind& kind_of(const hw::Platform& platform) {
  for (const ExecutionKind& k : registry())
    if (k.name == platform.serving.execution_model) return k;
  throw config::UsageError("platform '" + platform.name + "': no execution model '" + platform.serving.execution_model +
                           "'");
}

}  // namespace

std::unique_ptr<Execution> make_execution(const hw::Platform& platform, int tensor_parallel) {
  return kind_of(platform).make(platform, tensor_parallel);
}

bool times_whole_requests(const hw::Platform& platform) { return kind_of(platform).whole_requests; }

std::vector<std::string> execution_model_names() {
  std::vector<std::string> names;
  for (const ExecutionKind& k : registry()) names.push_back(k.name);
  return names;
}

}  // namespace coesim::serving
