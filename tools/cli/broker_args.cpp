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
}

bus::ConnectionOptions BrokerArgs::connection() const {
  bus::ConnectionOptions options;
  options.urls = urls;
  if (options.urls.empty() && !env("CIMBUS_BROKER_URL").empty()) options.urls = {env("CIMBUS_BROKER_URL")};
  if (options.urls.empty()) throw std::runtime_error("no broker: give --url or set CIMBUS_BROKER_URL");
  options.user = user.empty() ? env("CIMBUS_BROKER_USER") : user;
  options.password = password.empty() ? env("CIMBUS_BROKER_PASSWORD") : password;
  // Credentials in a URL (as scripts/broker prints it) are taken out of it.
  for (std::string& url : options.urls) {
    const auto scheme = url.find("://");
    const auto at = url.find('@');
    if (scheme == std::string::npos || at == std::string::npos || at < scheme) continue;
    const std::string login = url.substr(scheme + 3, at - scheme - 3);
    const auto colon = login.find(':');
    if (options.user.empty()) options.user = login.substr(0, colon);
    if (options.password.empty() && colon != std::string::npos) options.password = login.substr(colon + 1);
    url.erase(scheme + 3, at - scheme - 2);
  }
  options.tls.enabled = options.urls.front().rfind("amqps://", 0) == 0;
  options.reconnect.max_attempts = 3;  // a command gives up; adapters keep trying
  return options;
}

}  // namespace cimbus::cli
