#pragma once
// An adapter as the tests run it: its configuration written to a file (from a routing config in
// tests/adapter/config or deploy/, with the test broker and a store of the test's own); a separate
// process is an AdapterProcess (adapters/common/adapter_process.hpp).

#include <string>

#include "adapter_process.hpp"  // adapters/common
#include "cimbus/adapter/adapter_options.hpp"
#include "test_broker.hpp"

namespace cimbus::test {

// The routing config `routes_file` with the broker's URL and login, `instance`, and its store in
// `dir` (created).
adapter::AdapterOptions adapter_options(const std::string& routes_file, const TestBroker& broker,
                                        const std::string& instance, const std::string& dir);
// The same options as a configuration file in `dir`; returns its path.
std::string write_config(const adapter::AdapterOptions& options, const std::string& dir);

using reference::AdapterProcess;

}  // namespace cimbus::test
