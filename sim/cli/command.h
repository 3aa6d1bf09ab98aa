#pragma once
// A `coesim` subcommand: it declares its options on a CLI11 sub-app and
// returns a function that runs it once parsing succeeded. Exit codes follow
// DESIGN.md: 0 success, 1 simulation error, 2 bad usage or bad input file.
#include <functional>
#include <string>

#include <CLI/CLI.hpp>

namespace coesim::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitSimulationError = 1;
inline constexpr int kExitBadInput = 2;

// The command line as typed (arguments with spaces quoted), for results.
void set_command_line(int argc, char** argv);
const std::string& command_line();
// `arg` as a shell reads it back: quoted when it holds spaces or quotes.
std::string shell_quoted(const std::string& arg);

// Returns the exit code, or -1 when its subcommand was not the one chosen.
using RunFunction = std::function<int()>;

RunFunction add_switch_command(CLI::App& app);
RunFunction add_schema_command(CLI::App& app);
RunFunction add_route_command(CLI::App& app);
RunFunction add_label_command(CLI::App& app);
RunFunction add_run_command(CLI::App& app);
RunFunction add_trace_command(CLI::App& app);
RunFunction add_map_command(CLI::App& app);
RunFunction add_validate_command(CLI::App& app);
RunFunction add_calibrate_command(CLI::App& app);
RunFunction add_sweep_command(CLI::App& app);
RunFunction add_search_command(CLI::App& app);
RunFunction add_compare_command(CLI::App& app);

}  // namespace coesim::cli
