#pragma once
// Adapter configuration files (deploy/*.json, adapter_config.proto in protobuf's JSON mapping),
// and the routes a configuration gives the broker topology.

#include <string>

#include "cimbus/adapter_config.pb.h"
#include "cimbus/bus/topology.hpp"

namespace cimbus::adapter {

// Reads an adapter configuration file; throws std::runtime_error naming the file.
config::AdapterConfig load_adapter_config(const std::string& path);
// Writes one (field names as in deploy/*.json, readable by its owner only: it may hold a
// password); throws std::runtime_error naming the file.
void save_adapter_config(const config::AdapterConfig& config, const std::string& path);

// The system's routes, for bus::rabbitmq_definitions: its user is broker.user, else the system's name.
bus::SystemRoutes routes_of(const config::AdapterConfig& config);

}  // namespace cimbus::adapter
