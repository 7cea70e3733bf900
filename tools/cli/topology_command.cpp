// cimbus topology: the broker definitions that the adapters' routing configuration implies.

#include <algorithm>
#include <iostream>
#include <memory>

#include "cimbus/bus/topology.hpp"
#include "cimbus/runtime/config_file.hpp"
#include "commands.hpp"

namespace cimbus::cli {

namespace {

struct TopologyArgs {
  std::vector<std::string> configs;
  std::vector<std::string> instances;  // SYSTEM:INSTANCE, processes beside those of the configurations
  std::string exchange = "cim";
  std::string vhost = "/";
  bool no_users = false;
  bool quorum = false;
};

int run_topology(const TopologyArgs& args) {
  std::vector<bus::SystemRoutes> adapters;
  for (const auto& path : args.configs) adapters.push_back(adapter::routes_of(adapter::load_adapter_config(path)));
  for (const std::string& more : args.instances) {
    const auto colon = more.find(':');
    auto of = colon == std::string::npos ? adapters.end() : std::find_if(adapters.begin(), adapters.end(), [&](const bus::SystemRoutes& a) {
      return a.system == more.substr(0, colon);
    });
    if (of == adapters.end() || colon + 1 == more.size()) {
      std::cerr << "cimbus topology: --instance " << more << ": not SYSTEM:INSTANCE of a system configured by --config\n";
      return 2;
    }
    of->instances.push_back(more.substr(colon + 1));
  }
  bus::TopologyOptions options;
  options.exchange = args.exchange;
  options.vhost = args.vhost;
  options.users = !args.no_users;
  // one configuration on a cluster makes the whole topology quorum queues
  options.quorum = args.quorum || std::any_of(adapters.begin(), adapters.end(), [](const bus::SystemRoutes& a) { return a.quorum_queues; });
  std::cout << bus::rabbitmq_definitions(adapters, options);
  return 0;
}

}  // namespace

Command add_topology_command(CLI::App& app) {
  auto args = std::make_shared<TopologyArgs>();
  CLI::App* cmd = app.add_subcommand("topology", "Print the RabbitMQ definitions (exchanges, durable queues, bindings, "
                                                 "dead-letter queues, expiry policies, a user per system with least "
                                                 "privilege) for these adapters");
  cmd->add_option("--config", args->configs, "An adapter configuration (JSON); repeat for every adapter")->required();
  cmd->add_option("--instance", args->instances,
                  "SYSTEM:INSTANCE, another process of a configured system (its reply queue and grants); repeat");
  cmd->add_flag("--no-users", args->no_users,
                "Permissions for users that exist, without the users (importing them again would clear their passwords)");
  cmd->add_flag("--quorum", args->quorum,
                "Quorum queues, replicated on every node of a RabbitMQ cluster (scripts/broker start --cluster 3), with the "
                "systems' poison limits as delivery limits, instead of classic queues");
  cmd->add_option("--exchange", args->exchange, "The topic exchange")->capture_default_str();
  cmd->add_option("--vhost", args->vhost, "The virtual host of the adapters whose configuration names none (broker.vhost)")
      ->capture_default_str();
  return [cmd, args] { return cmd->parsed() ? run_topology(*args) : -1; };
}

}  // namespace cimbus::cli
