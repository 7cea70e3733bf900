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
  // Usage errors exit 2, as the README's exit codes say (CLI11's own codes are 100 and more).
  if (argc > 1 && argv[1][0] != '-') {
    bool known = false;
    for (const CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) known |= sub->get_name() == argv[1];
    if (!known) {
      std::cerr << "cimbus: unknown command '" << argv[1] << "'; the commands are validate, convert, send, request, listen, "
                   "topology, trace and dead (cimbus --help)\n";
      return 2;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int status = app.exit(e);
    return status == 0 ? 0 : 2;
  }
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
