#include "broker_args.hpp"

#include <cstdlib>
#include <stdexcept>

namespace cimbus::cli {

namespace {

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : value;
}

}  // namespace

void BrokerArgs::add_to(CLI::App& command) {
  command.add_option("--url", urls, "Broker URL, amqp[s]://[user:password@]host:port; repeat for failover "
                                    "(default $CIMBUS_BROKER_URL)");
  command.add_option("--user", user, "SASL PLAIN user (default $CIMBUS_BROKER_USER)");
  command.add_option("--password", password, "SASL PLAIN password (default $CIMBUS_BROKER_PASSWORD)");
  command.add_option("--profile", profile, "Broker addressing: rabbitmq, activemq or artemis")
      ->check(CLI::IsMember({"rabbitmq", "activemq", "artemis"}))
      ->capture_default_str();
  command.add_option("--vhost", vhost, "The broker's virtual host (default: the broker's default, /)");
}

bus::ConnectionOptions BrokerArgs::connection() const {
  bus::ConnectionOptions options;
  options.urls = urls;
  if (options.urls.empty() && !env("CIMBUS_BROKER_URL").empty()) options.urls = {env("CIMBUS_BROKER_URL")};
  if (options.urls.empty()) throw std::runtime_error("no broker: give --url or set CIMBUS_BROKER_URL");
  options.user = user.empty() ? env("CIMBUS_BROKER_USER") : user;
  options.password = password.empty() ? env("CIMBUS_BROKER_PASSWORD") : password;
  bus::take_login_from_urls(options);
  if (!vhost.empty()) {
    options.virtual_host = broker_profile().virtual_host(vhost);
    if (options.virtual_host.empty()) throw std::runtime_error("--vhost: the " + profile + " profile has no virtual hosts");
  }
  options.reconnect.max_attempts = 3;  // a command gives up; adapters keep trying
  return options;
}

}  // namespace cimbus::cli
