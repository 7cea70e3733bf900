// cimbus: the command-line tool of cimbus (IEC 61968-100 messaging).

#include <iostream>
#include <string>
#include <vector>

#include "commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"cimbus: IEC 61968-100 messages for CIS, OMS and WMS"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("cimbus ") + CIMBUS_VERSION);
  std::vector<cimbus::cli::Command> commands = {
      cimbus::cli::add_validate_command(app), cimbus::cli::add_convert_command(app),
      cimbus::cli::add_send_command(app), cimbus::cli::add_request_command(app), cimbus::cli::add_listen_command(app),
      cimbus::cli::add_topology_command(app), cimbus::cli::add_trace_command(app), cimbus::cli::add_dead_command(app)};
  CLI11_PARSE(app, argc, argv);
  try {
    for (const auto& command : commands) {
      int status = command();
      if (status >= 0) return status;
    }
  } catch (const std::exception& e) {
    std::cerr << "cimbus: " << e.what() << "\n";
    return 2;
  }
  return 2;
}
