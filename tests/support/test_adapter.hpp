#pragma once
// An adapter as the tests run it (tools/harness): its configuration written to a file with the
// test broker and a store of the test's own; a separate process is an AdapterProcess.

#include "adapter_process.hpp"
#include "local_adapter.hpp"
#include "test_broker.hpp"

namespace cimbus::test {

using harness::AdapterProcess;
using harness::adapter_options;
using harness::write_config;

}  // namespace cimbus::test
