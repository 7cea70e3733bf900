#include "cimbus/runtime/config_file.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <google/protobuf/util/json_util.h>

namespace cimbus::adapter {

config::AdapterConfig load_adapter_config(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot be read");
  std::stringstream text;
  text << in.rdbuf();
  config::AdapterConfig config;
  const auto status = google::protobuf::util::JsonStringToMessage(text.str(), &config);
  if (!status.ok()) throw std::runtime_error(path + ": " + std::string(status.message()));
  return config;
}

void save_adapter_config(const config::AdapterConfig& config, const std::string& path) {
  std::string json;
  google::protobuf::util::JsonPrintOptions print;
  print.preserve_proto_field_names = true;
  print.add_whitespace = true;
  if (!google::protobuf::util::MessageToJsonString(config, &json, print).ok()) throw std::runtime_error(path + ": cannot be written");
  std::ofstream out(path, std::ios::trunc);
  if (!out) throw std::runtime_error(path + ": cannot be written");
  out << json;
  out.close();
  std::filesystem::permissions(path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

bus::SystemRoutes routes_of(const config::AdapterConfig& config) {
  auto convert = [](const auto& routes) {
    std::vector<bus::Route> out;
    for (const auto& r : routes) out.push_back({r.noun(), {r.verbs().begin(), r.verbs().end()}});
    return out;
  };
  bus::SystemRoutes routes;
  routes.system = config.system();
  routes.handles = convert(config.handles());
  routes.subscribes = convert(config.subscribes());
  routes.naming = bus::Naming::named(config.naming(), config.context());
  routes.vhost = config.broker().vhost();
  routes.requests = convert(config.requests());
  routes.publishes = convert(config.publishes());
  if (!config.instance().empty()) routes.instances = {config.instance()};
  routes.user = !config.broker().user().empty() ? config.broker().user() : config.system();
  if (config.max_attempts() > 0) routes.max_attempts = config.max_attempts();
  routes.quorum_queues = config.broker().quorum_queues();
  return routes;
}

}  // namespace cimbus::adapter
