#include "sim/serving/execution.h"

#include <functional>
#include <utility>

#include "sim/config/config_error.h"
#include "sim/serving/latency_table_execution.h"
#include "sim/serving/roofline_execution.h"

namespace coesim::serving {
namespace {

using Factory = std::function<std::unique_ptr<Execution>(const hw::Platform&, int)>;

const std::vector<std::pair<std::string, Factory>>& registry() {
  static const std::vector<std::pair<std::string, Factory>> r{
      {"roofline", [](const hw::Platform& p, int tp) { return std::make_unique<RooflineExecution>(p, tp); }},
      {"latency-table", [](const hw::Platform& p, int tp) { return std::make_unique<LatencyTableExecution>(p, tp); }},
  };
  return r;
}

}  // namespace

std::unique_ptr<Execution> make_execution(const hw::Platform& platform, int tensor_parallel) {
  for (const auto& [name, make] : registry())
    if (name == platform.serving.execution_model) return make(platform, tensor_parallel);
  throw config::UsageError("platform '" + platform.name + "': no execution model '" +
                           platform.serving.execution_model + "'");
}

std::vector<std::string> execution_model_names() {
  std::vector<std::string> names;
  for (const auto& [name, make] : registry()) names.push_back(name);
  return names;
}

}  // namespace coesim::serving
