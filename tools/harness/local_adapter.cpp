#include "local_adapter.hpp"

#include <filesystem>
#include <stdexcept>

#include "cimbus/runtime/config_file.hpp"

namespace cimbus::harness {

adapter::AdapterOptions adapter_options(const std::string& routes_file, const PrivateBroker& broker,
                                        const std::string& instance, const std::string& dir) {
  std::filesystem::create_directories(dir);
  config::AdapterConfig c = adapter::load_adapter_config(routes_file);
  c.mutable_broker()->clear_urls();
  c.mutable_broker()->add_urls(broker.url);
  c.mutable_broker()->set_user(broker.user);
  c.mutable_broker()->set_password(broker.password);
  c.mutable_broker()->clear_password_env();
  c.set_instance(instance);
  c.set_store(dir + "/" + instance + ".sqlite");
  // A deployment's fixed web-service port would clash between the processes of a test.
  if (!c.web_services().listen().empty()) c.mutable_web_services()->set_listen("127.0.0.1:0");
  return adapter::AdapterOptions::from_config(c);
}

std::string write_config(const adapter::AdapterOptions& options, const std::string& dir) {
  const std::string path = dir + "/" + options.config.instance() + ".json";
  adapter::save_adapter_config(options.config, path);
  return path;
}

}  // namespace cimbus::harness
