#pragma once
// The private broker that ctest starts for the messaging tests (scripts/broker, in the directory
// named by CIMBUS_TEST_BROKER_DIR): its URL and login, read from the broker's state file.

#include <string>

#include "cimbus/bus/connection_options.hpp"

namespace cimbus::test {

struct TestBroker {
  std::string url;        // amqp://127.0.0.1:PORT
  std::string user;
  std::string password;
  std::string dir;        // for scripts/broker restart --dir
};

// Throws std::runtime_error when the broker is not running: tests that need it fail, never skip.
TestBroker test_broker();
bus::ConnectionOptions connection_to(const TestBroker& broker);

}  // namespace cimbus::test
