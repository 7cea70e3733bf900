#pragma once
// Everything an adapter process is told: its configuration file (adapter_config.proto, JSON) with
// defaults filled in, and the broker connection made from it.

#include <chrono>
#include <string>

#include "cimbus/adapter_config.pb.h"
#include "cimbus/bus/addressing.hpp"
#include "cimbus/bus/connection_options.hpp"
#include "cimbus/codec/validation_policy.hpp"

namespace cimbus::adapter {

struct AdapterOptions {
  config::AdapterConfig config;        // system, instance, routes, store, ... (defaults applied)
  bus::ConnectionOptions connection;   // from config.broker; the password from password_env
  bus::BrokerProfile profile = bus::BrokerProfile::rabbitmq();
  bus::Naming naming;                  // from config.naming and config.context
  ValidationPolicy policy = ValidationPolicy::strict;
  std::chrono::milliseconds drain{10000};  // stop(): time allowed for in-flight work and the outbox

  // Applies the defaults and resolves the connection. Throws std::invalid_argument naming the
  // field that is wrong (no system, no instance, unknown profile or policy, no broker URL, ...).
  static AdapterOptions from_config(config::AdapterConfig config);
  // Reads a configuration file (deploy/*.json); throws std::runtime_error naming the file. A
  // password in it (broker.password, or in a URL) is refused: secrets come from files of mode
  // 0600 or the environment (README, "Secrets"). Relative paths in it (the store, the broker's
  // password, certificate, key and CA files) are taken from the file's folder.
  static AdapterOptions load(const std::string& path);
  static void resolve_paths(config::AdapterConfig& config, const std::string& folder);
};

}  // namespace cimbus::adapter
