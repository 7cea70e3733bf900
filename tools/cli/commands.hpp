#pragma once
// Subcommands of the `cimbus` tool. Each registers its options on the app and returns the
// function that runs it; the function returns the process exit status.

#include <functional>

#include <CLI/CLI.hpp>

namespace cimbus::cli {

using Command = std::function<int()>;

Command add_validate_command(CLI::App& app);
Command add_convert_command(CLI::App& app);
Command add_send_command(CLI::App& app);
Command add_request_command(CLI::App& app);
Command add_listen_command(CLI::App& app);
Command add_topology_command(CLI::App& app);
Command add_trace_command(CLI::App& app);
Command add_dead_command(CLI::App& app);

}  // namespace cimbus::cli
