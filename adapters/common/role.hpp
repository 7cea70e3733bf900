#pragma once
// What the three role executables (cimbus-cis, cimbus-oms, cimbus-wms) share: read the
// configuration, build the runtime, let the role register its handlers and periodic work
// (Adapter::every), print "ready" once the broker's queues are attached, and on SIGTERM or SIGINT
// drain and exit 0.
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

namespace cimbus::reference {

// Registers the role's handlers and periodic work on the adapter, before it starts.
using RoleSetup = std::function<void(adapter::Adapter&, const adapter::AdapterOptions&)>;

int run_role(int argc, char** argv, const std::string& program, const RoleSetup& setup);

// The settings of the embedded reference backend (config backend.settings). Throws
// std::invalid_argument when backend.kind names another backend: this executable embeds only the
// reference system (a real one is plugged in by building an executable around its own backend).
std::map<std::string, std::string> embedded_backend_settings(const adapter::AdapterOptions& options);

}  // namespace cimbus::reference
