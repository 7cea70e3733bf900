#pragma once
// The broker options shared by `cimbus send`, `request` and `listen`: where the broker is, the
// login, and its profile. Each falls back to an environment variable (CIMBUS_BROKER_URL,
// CIMBUS_BROKER_USER, CIMBUS_BROKER_PASSWORD), so that passwords need not be on command lines.

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cimbus/bus/addressing.hpp"
#include "cimbus/bus/connection_options.hpp"

namespace cimbus::cli {

struct BrokerArgs {
  std::vector<std::string> urls;
  std::string user;
  std::string password;
  std::string profile = "rabbitmq";
  std::string vhost;  // empty: the broker's default virtual host

  void add_to(CLI::App& command);
  // Throws std::runtime_error when no URL is given.
  bus::ConnectionOptions connection() const;
  bus::BrokerProfile broker_profile() const { return bus::BrokerProfile::named(profile); }
};

}  // namespace cimbus::cli
