// coesim: discrete-event simulator of tiered-memory AI hardware serving a
// Composition of Experts. Subcommands live in one file each under sim/cli.
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <exception>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "sim/cli/command.h"
#include "sim/cli/error_kind.h"
#include "sim/cli/number_checks.h"
#include "sim/experiment/provenance.h"

namespace {

constexpr const char* kReportBug =
    "This is a bug in coesim, not in your input: please report it with the command line, the input files and the "
    "output of `coesim --version` (README, Reporting problems).\n";

// Every floating-point option of every subcommand refuses NaN and infinities.
void require_finite_numbers(CLI::App& app) {
  for (CLI::Option* option : app.get_options())
    if (option->get_type_name() == "FLOAT") option->check(coesim::cli::finite_number());
  for (CLI::App* sub : app.get_subcommands({})) require_finite_numbers(*sub);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace coesim;
  cli::set_command_line(argc, argv);
  CLI::App app{
      "coesim: simulate expert switching and serving of a Composition of Experts on tiered-memory hardware\n"
      "(SambaNova SN40L vs GPU systems). Exit codes: 0 ok, 1 simulation error, 2 bad usage or input file."};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("coesim ") + experiment::coesim_version());
  std::string log_level = "warn";
  app.add_option("--log-level", log_level, "log detail on stderr (debug shows files loaded and copy routes)")
      ->check(CLI::IsMember({"debug", "info", "warn", "error", "off"}))
      ->capture_default_str();
  // Each run function returns -1 unless its subcommand was chosen.
  const std::vector<cli::RunFunction> commands = {
      cli::add_switch_command(app), cli::add_schema_command(app),   cli::add_route_command(app),
      cli::add_label_command(app),  cli::add_run_command(app),      cli::add_trace_command(app),
      cli::add_map_command(app),    cli::add_validate_command(app), cli::add_calibrate_command(app),
      cli::add_sweep_command(app),  cli::add_search_command(app),   cli::add_compare_command(app),
  };
  require_finite_numbers(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? cli::kExitOk : cli::kExitBadInput;
  }
  spdlog::set_default_logger(spdlog::stderr_color_mt("coesim"));
  spdlog::set_level(spdlog::level::from_str(log_level));
  int code = cli::kExitOk;
  try {
    for (const auto& run : commands)
      if (const int c = run(); c >= 0) {
        code = c;
        break;
      }
  } catch (...) {
    const cli::ClassifiedError e = cli::classify_current_exception();
    if (e.kind == cli::ErrorKind::BadInput)
      fmt::print(stderr, "coesim: error: {}\n", e.message);
    else
      fmt::print(stderr, "coesim: {}: {}\n{}", cli::name_of(e.kind), e.message,
                 e.kind == cli::ErrorKind::Internal ? kReportBug : "");
    code = cli::exit_code_of(e.kind);
  }
  // Output that did not reach stdout (a full disk, a closed pipe) is an error, not a silent loss.
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
    fmt::print(stderr, "coesim: error: cannot write to standard output: {}\n", std::strerror(errno));
    if (code == cli::kExitOk) code = cli::kExitBadInput;
  }
  return code;
}
