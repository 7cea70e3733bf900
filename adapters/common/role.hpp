#pragma once
// What the three role executables (cimbus-cis, cimbus-oms, cimbus-wms) share: read the
// configuration, build the runtime, connect the system (connector.kind), print "ready" once the
// broker's queues are attached, and on SIGTERM or SIGINT drain and exit 0.
//
// The connector decides who answers the role's routes (handles and subscribes):
//   embedded      the reference system in the store file: `setup` registers its handlers and
//                 periodic work (Adapter::on, every), `routes` its read API
//   web_services  the system's SOAP services (cimbus/web_services/web_service_client.hpp)
//   json          the system's plain HTTP API (cimbus/json/json_client.hpp)
// A real system publishes its own changes and sends its requests through the adapter's HTTP
// server (web_services.listen): the SOAP services and the local JSON API.
//
//   int main(int argc, char** argv) {
//     return run_role(argc, argv, "cimbus-oms", [](Adapter& a, const AdapterOptions& o) {
//       ... a.on(...) ...
//       a.every(std::chrono::milliseconds(100), [](Context& c) { ... });
//     });
//   }

#include <functional>
#include <map>
#include <string>

#include "cimbus/runtime/adapter.hpp"

namespace cimbus::http {
class HttpListener;
}

namespace cimbus::reference {

// Registers the embedded reference system's handlers and periodic work, before the adapter starts.
using RoleSetup = std::function<void(adapter::Adapter&, const adapter::AdapterOptions&)>;
// Adds the embedded reference system's own HTTP routes (its read API: state_route.hpp) to the
// process's server, after the operations endpoint's and before the web services'.
using RoleRoutes = std::function<void(http::HttpListener&, const adapter::AdapterOptions&)>;

int run_role(int argc, char** argv, const std::string& program, const RoleSetup& setup, const RoleRoutes& routes = {});

// The settings of the embedded reference system (config connector.settings).
std::map<std::string, std::string> embedded_settings(const adapter::AdapterOptions& options);

// Forwards every route of the configuration (handles and subscribes, each verb) to `call`.
void forward_routes(adapter::Adapter& adapter, const adapter::AdapterOptions& options, const adapter::SystemCall& call);

}  // namespace cimbus::reference
