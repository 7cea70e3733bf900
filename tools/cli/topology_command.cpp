// cimbus topology: the broker definitions that the adapters' routing configuration implies.

#include <iostream>
#include <memory>

#include "cimbus/bus/topology.hpp"
#include "cimbus/runtime/config_file.hpp"
#include "commands.hpp"

namespace cimbus::cli {

namespace {

struct TopologyArgs {
  std::vector<std::string> configs;
  std::string exchange = "cim";
  std::string vhost = "/";
};

int run_topology(const TopologyArgs& args) {
  std::vector<bus::SystemRoutes> adapters;
  for (const auto& path : args.configs) adapters.push_back(adapter::routes_of(adapter::load_adapter_config(path)));
  bus::TopologyOptions options;
  options.exchange = args.exchange;
  options.vhost = args.vhost;
  std::cout << bus::rabbitmq_definitions(adapters, options);
  return 0;
}

}  // namespace

Command add_topology_command(CLI::App& app) {
  auto args = std::make_shared<TopologyArgs>();
  CLI::App* cmd = app.add_subcommand("topology", "Print the RabbitMQ definitions (exchanges, durable queues, bindings, "
                                                 "dead-letter queues, expiry policies) for these adapters");
  cmd->add_option("--config", args->configs, "An adapter configuration (JSON); repeat for every adapter")->required();
  cmd->add_option("--exchange", args->exchange, "The topic exchange")->capture_default_str();
  cmd->add_option("--vhost", args->vhost, "The virtual host of the adapters whose configuration names none (broker.vhost)")
      ->capture_default_str();
  return [cmd, args] { return cmd->parsed() ? run_topology(*args) : -1; };
}

}  // namespace cimbus::cli
