// `coesim schema hw|model|router|experts|experiment|profile|sweep|validation-map`: every field a config file may hold,
// with its unit, default, range and meaning, generated from the declarations the loaders use.
#include <map>

#include <fmt/format.h>

#include "sim/cli/command.h"
#include "sim/coe/experts_schema.h"
#include "sim/coe/router_config.h"
#include "sim/experiment/experiment.h"
#include "sim/experiment/sweep_spec.h"
#include "sim/hw/platform_loader.h"
#include "sim/hw/runtime_profile.h"
#include "sim/llm/model_schema.h"
#include "sim/validation/validation_map.h"

namespace coesim::cli {

RunFunction add_schema_command(CLI::App& app) {
  static const std::map<std::string, const config::Schema*> kSchemas{
      {"hw", &hw::platform_schema()},         {"model", &llm::model_schema()},
      {"router", &coe::router_schema()},      {"experiment", &experiment::experiment_schema()},
      {"experts", &coe::experts_schema()},    {"profile", &hw::runtime_profile_schema()},
      {"sweep", &experiment::sweep_schema()}, {"validation-map", &validation::validation_map_schema()}};
  CLI::App* cmd = app.add_subcommand("schema", "print the fields a config file may hold");
  auto kind = std::make_shared<std::string>();
  std::vector<std::string> kinds;
  for (const auto& [name, schema] : kSchemas) kinds.push_back(name);
  cmd->add_option("kind", *kind, "which file kind")->required()->check(CLI::IsMember(kinds));
  return [cmd, kind]() -> int {
    if (!cmd->parsed()) return -1;
    fmt::print("{}", config::describe(*kSchemas.at(*kind)));
    return kExitOk;
  };
}

}  // namespace coesim::cli
