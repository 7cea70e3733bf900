#pragma once
// The broker options shared by `cimbus send`, `request` and `listen`: where the broker is, the
// login, TLS, and its profile. Each falls back to an environment variable (CIMBUS_BROKER_URL,
// CIMBUS_BROKER_USER, CIMBUS_BROKER_PASSWORD or CIMBUS_BROKER_PASSWORD_FILE, CIMBUS_BROKER_CA,
// CIMBUS_BROKER_CERT, CIMBUS_BROKER_KEY, CIMBUS_BROKER_ALLOW_PLAIN=1). A password is never taken
// from the command line (where every user of the machine sees it): a file or the environment.

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cimbus/bus/addressing.hpp"
#include "cimbus/bus/connection_options.hpp"

namespace cimbus::cli {

struct BrokerArgs {
  std::vector<std::string> urls;
  std::string user;
  std::string password_file;
  std::string profile = "rabbitmq";
  std::string vhost;  // empty: the broker's default virtual host
  std::string ca_file;
  std::string certificate_file;
  std::string key_file;
  std::string sasl = "PLAIN";
  std::string tls_verify = "name";
  bool allow_plain = false;

  void add_to(CLI::App& command);
  // Throws std::runtime_error when no URL is given or the connection would be unsafe
  // (bus::check_security); prints what an allowed unsafe connection should say.
  bus::ConnectionOptions connection() const;
  bus::BrokerProfile broker_profile() const { return bus::BrokerProfile::named(profile); }

 private:
  mutable bool warned_ = false;
};

}  // namespace cimbus::cli
