#include "broker_args.hpp"

#include <cstdlib>
#include <iostream>
#include <stdexcept>

#include "cimbus/runtime/secret_file.hpp"

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
  command.add_option("--password-file", password_file, "A file (mode 0600) whose first line is the SASL PLAIN password "
                                                     "(default $CIMBUS_BROKER_PASSWORD_FILE, else the password in "
                                                     "$CIMBUS_BROKER_PASSWORD); never on the command line");
  command.add_option("--profile", profile, "Broker addressing: rabbitmq, activemq or artemis")
      ->check(CLI::IsMember({"rabbitmq", "activemq", "artemis"}))
      ->capture_default_str();
  command.add_option("--vhost", vhost, "The broker's virtual host (default: the broker's default, /)");
  command.add_option("--ca", ca_file, "CA certificates (PEM) that sign the broker's, for amqps:// (default $CIMBUS_BROKER_CA, "
                                      "else the machine's)");
  command.add_option("--cert", certificate_file, "Client certificate (PEM) for mutual TLS (default $CIMBUS_BROKER_CERT)");
  command.add_option("--key", key_file, "Its private key, mode 0600 (default $CIMBUS_BROKER_KEY)");
  command.add_option("--sasl", sasl, "PLAIN (user and password) or EXTERNAL (the client certificate names the user)")
      ->check(CLI::IsMember({"PLAIN", "EXTERNAL"}))
      ->capture_default_str();
  command.add_option("--tls-verify", tls_verify, "What is checked of the broker's certificate: name (its host name too), chain, none")
      ->check(CLI::IsMember({"name", "chain", "none"}))
      ->capture_default_str();
  command.add_flag("--allow-plain", allow_plain, "Allow SASL PLAIN over amqp:// (the password in clear; "
                                                 "default $CIMBUS_BROKER_ALLOW_PLAIN=1), for a broker on this machine");
}

bus::ConnectionOptions BrokerArgs::connection() const {
  bus::ConnectionOptions options;
  options.urls = urls;
  if (options.urls.empty() && !env("CIMBUS_BROKER_URL").empty()) options.urls = bus::split_urls(env("CIMBUS_BROKER_URL"));
  if (options.urls.empty()) throw std::runtime_error("no broker: give --url or set CIMBUS_BROKER_URL");
  options.user = user.empty() ? env("CIMBUS_BROKER_USER") : user;
  // A password on the command line is visible to every user of the machine (ps, /proc): only
  // from a file or the environment, as the URL's login is (CIMBUS_BROKER_URL).
  for (const std::string& url : urls)
    if (bus::url_has_password(url))
      throw std::runtime_error("--url " + bus::url_without_password(url) + ": a password on the command line is refused (others " +
                               "see it); give the URL in CIMBUS_BROKER_URL, or the password by --password-file or CIMBUS_BROKER_PASSWORD");
  const std::string file = password_file.empty() ? env("CIMBUS_BROKER_PASSWORD_FILE") : password_file;
  try {
    options.password = !file.empty() ? adapter::read_secret_file(file, "--password-file") : env("CIMBUS_BROKER_PASSWORD");
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(e.what());
  }
  bus::take_login_from_urls(options);
  options.tls.ca_file = ca_file.empty() ? env("CIMBUS_BROKER_CA") : ca_file;
  options.tls.certificate_file = certificate_file.empty() ? env("CIMBUS_BROKER_CERT") : certificate_file;
  options.tls.key_file = key_file.empty() ? env("CIMBUS_BROKER_KEY") : key_file;
  options.tls.verify = *bus::parse_tls_verify(tls_verify);
  options.sasl_mechanisms = sasl;
  options.allow_plain_without_tls = allow_plain || env("CIMBUS_BROKER_ALLOW_PLAIN") == "1";
  try {
    bus::check_security(options);
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(std::string("broker: ") + e.what() + " (--allow-plain, --ca, --cert, --key, --sasl)");
  }
  if (!warned_) {  // once per command, which may open several connections
    for (const std::string& warning : bus::security_warnings(options)) std::cerr << "cimbus: warning: " << warning << "\n";
    warned_ = true;
  }
  if (!vhost.empty()) {
    options.virtual_host = broker_profile().virtual_host(vhost);
    if (options.virtual_host.empty()) throw std::runtime_error("--vhost: the " + profile + " profile has no virtual hosts");
  }
  options.reconnect.max_attempts = 3;  // a command gives up; adapters keep trying
  return options;
}

}  // namespace cimbus::cli
