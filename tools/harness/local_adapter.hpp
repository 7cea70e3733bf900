#pragma once
// An adapter configured to run on this machine against a private broker: a routing config (from
// deploy/ or tests/adapter/config) with the broker's URL and login, an instance name, and its store
// in a directory of its own. Run it in-process (adapter::Adapter) or as an AdapterProcess from the
// file write_config() makes.

#include <string>

#include "cimbus/runtime/adapter_options.hpp"
#include "private_broker.hpp"

namespace cimbus::harness {

// The routing config `routes_file` with the broker's URL and its administrator's login (not the
// system's own user: these tests' peers reply by queue name), `instance`, and its store in
// `dir` (created).
adapter::AdapterOptions adapter_options(const std::string& routes_file, const PrivateBroker& broker,
                                        const std::string& instance, const std::string& dir);
// The same options as a configuration file in `dir`; returns its path.
std::string write_config(const adapter::AdapterOptions& options, const std::string& dir);

// A loopback TCP port free now, for an adapter's web services: known before the adapter starts
// (and the same after a restart). Never the same twice in one process: ports handed out are not
// bound until their adapters start, and the kernel may offer a port again meanwhile (the storm
// once gave the CIS and the WMS one port, which both bound). Any thread. Throws
// std::runtime_error when none can be had.
int free_loopback_port();

}  // namespace cimbus::harness
