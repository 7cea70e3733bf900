#pragma once
// The private broker that ctest starts for the messaging tests (scripts/broker, in the directory
// named by CIMBUS_TEST_BROKER_DIR): tools/harness/private_broker.hpp under the tests' names.

#include "private_broker.hpp"

namespace cimbus::test {

using TestBroker = harness::PrivateBroker;
using harness::connection_to;

// Throws std::runtime_error when the broker is not running: tests that need it fail, never skip.
inline TestBroker test_broker() { return harness::private_broker_from_environment(); }

}  // namespace cimbus::test
