// `coesim schema hw|model`: every field a config file may hold, with its unit,
// default, range and meaning, generated from the declarations the loaders use.
#include <fmt/format.h>

#include "sim/cli/command.h"
#include "sim/hw/platform_loader.h"
#include "sim/llm/model_schema.h"

namespace coesim::cli {

RunFunction add_schema_command(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("schema", "print the fields a config file may hold (hw or model)");
  auto kind = std::make_shared<std::string>();
  cmd->add_option("kind", *kind, "which file kind")->required()->check(CLI::IsMember({"hw", "model"}));
  return [cmd, kind]() -> int {
    if (!cmd->parsed()) return -1;
    fmt::print("{}", config::describe(*kind == "hw" ? hw::platform_schema() : llm::model_schema()));
    return kExitOk;
  };
}

}  // namespace coesim::cli
