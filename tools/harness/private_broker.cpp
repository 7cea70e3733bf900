#include "private_broker.hpp"

#include <cstdlib>
#include <fstream>
#include <map>
#include <stdexcept>

namespace cimbus::harness {

PrivateBroker private_broker(const std::string& dir) {
  std::ifstream state(dir + "/state");
  if (!state) throw std::runtime_error("no broker running in " + dir);
  std::map<std::string, std::string> values;
  for (std::string line; std::getline(state, line);) {
    const auto eq = line.find('=');
    if (eq != std::string::npos) values[line.substr(0, eq)] = line.substr(eq + 1);
  }
  const std::string pid = values["BROKER_PID"];
  return {"amqp://127.0.0.1:" + values["BROKER_AMQP_PORT"], values["BROKER_USER"], values["BROKER_PASSWORD"], dir,
          pid.empty() ? 0L : std::stol(pid)};
}

PrivateBroker private_broker_from_environment() {
  const char* dir = std::getenv("CIMBUS_TEST_BROKER_DIR");
  if (dir == nullptr) throw std::runtime_error("CIMBUS_TEST_BROKER_DIR is not set (run the test through ctest)");
  return private_broker(dir);
}

bus::ConnectionOptions connection_to(const PrivateBroker& broker) {
  bus::ConnectionOptions options;
  options.urls = {broker.url};
  options.user = broker.user;
  options.password = broker.password;
  // A broker of scripts/broker on loopback, for tests and benchmarks: PLAIN in clear stays on this
  // machine, and is allowed here explicitly.
  options.allow_plain_without_tls = true;
  return options;
}

}  // namespace cimbus::harness
