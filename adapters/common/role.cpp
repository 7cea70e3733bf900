#include "role.hpp"

#include "records.hpp"

#include <iostream>
#include <optional>

#include "cimbus/runtime/log.hpp"
#include "cimbus/runtime/stop_signals.hpp"
#include "cimbus/web_services/web_service_server.hpp"

namespace cimbus::reference {

std::map<std::string, std::string> embedded_backend_settings(const adapter::AdapterOptions& options) {
  const auto& backend = options.config.backend();
  if (!backend.kind().empty() && backend.kind() != "embedded")
    throw std::invalid_argument("backend.kind: '" + backend.kind() + "' is not in this executable, which embeds the reference system "
                                "(\"embedded\"); see README, \"Plugging in a real system\"");
  return {backend.settings().begin(), backend.settings().end()};
}

int run_role(int argc, char** argv, const std::string& program, const RoleSetup& setup) {
  if (argc != 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
    std::cerr << "usage: " << program << " CONFIG.json\n"
              << "  An IEC 61968 adapter process; the configuration is described in deploy/README.md.\n"
              << "  SIGTERM or SIGINT: finish the work in hand, send the outbox, exit 0.\n";
    return argc == 2 ? 0 : 2;
  }
  // Blocked here, before any thread starts, so that every thread leaves them to the wait in
  // run_until_signal().
  const adapter::StopSignals signals;
  try {
    adapter::AdapterOptions options = adapter::AdapterOptions::load(argv[1]);
    set_counting_instance(options.config.instance());
    adapter::Adapter adapter(options);
    setup(adapter, options);
    adapter.start();
    if (!adapter.wait_ready(std::chrono::seconds(60))) {
      adapter.log().error("the broker's queues are not reachable (is the topology loaded? see deploy/README.md)");
      adapter.stop();
      return 1;
    }
    // The system's web services (and the smart proxy for third parties), when configured.
    std::optional<web_services::WebServiceServer> services;
    if (!options.config.web_services().listen().empty()) {
      services.emplace(adapter);
      services->start();
      std::cout << options.config.system() << " endpoint: " << services->base_url() << std::endl;
    }
    std::cout << "ready" << std::endl;
    return adapter.run_until_signal([&services] {
      if (services) services->stop();
    });
  } catch (const std::exception& e) {
    adapter::Log(program).error(e.what());
    return 1;
  }
}

}  // namespace cimbus::reference
