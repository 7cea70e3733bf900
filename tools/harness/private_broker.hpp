#pragma once
// A private broker started by scripts/broker in a directory of its own (tests, benchmarks, the
// demo): its URL and login, read from the broker's state file.

#include <string>

#include "cimbus/bus/connection_options.hpp"

namespace cimbus::harness {

struct PrivateBroker {
  std::string url;        // amqp://127.0.0.1:PORT
  std::string user;
  std::string password;
  std::string dir;        // for scripts/broker restart --dir
  long pid = 0;           // the broker's (beam.smp), for its CPU time in benchmarks; 0 when not recorded
};

// Throws std::runtime_error when no broker runs in `dir`.
PrivateBroker private_broker(const std::string& dir);
// The broker named by $CIMBUS_TEST_BROKER_DIR (ctest sets it for the tests that need a broker);
// throws when it is unset or no broker runs there: tests that need it fail, never skip.
PrivateBroker private_broker_from_environment();
bus::ConnectionOptions connection_to(const PrivateBroker& broker);

}  // namespace cimbus::harness
