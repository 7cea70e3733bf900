#include "local_adapter.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <mutex>
#include <set>
#include <stdexcept>

#include "cimbus/runtime/config_file.hpp"
#include "cimbus/runtime/secret_file.hpp"

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
  c.mutable_broker()->clear_password_file();
  c.mutable_broker()->set_allow_plain_without_tls(true);  // the private broker, on loopback
  c.set_instance(instance);
  c.set_store(dir + "/" + instance + ".sqlite");
  // A deployment's fixed web-service port would clash between the processes of a test.
  if (!c.web_services().listen().empty()) c.mutable_web_services()->set_listen("127.0.0.1:0");
  return adapter::AdapterOptions::from_config(c);
}

std::string write_config(const adapter::AdapterOptions& options, const std::string& dir) {
  const std::string path = dir + "/" + options.config.instance() + ".json";
  config::AdapterConfig c = options.config;
  if (!c.broker().password().empty()) {  // never in the file itself: in one of its own, mode 0600
    const std::string secret = dir + "/" + c.instance() + ".password";
    adapter::write_secret_file(secret, c.broker().password());
    c.mutable_broker()->clear_password();
    c.mutable_broker()->set_password_file(secret);
  }
  adapter::save_adapter_config(c, path);
  return path;
}

int free_loopback_port() {
  static std::mutex mutex;
  static std::set<int> handed_out;
  std::lock_guard<std::mutex> one_at_a_time(mutex);
  for (int attempt = 0; attempt < 100; ++attempt) {
    const int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    const bool bound = s >= 0 && ::bind(s, reinterpret_cast<sockaddr*>(&address), size) == 0 &&
                       ::getsockname(s, reinterpret_cast<sockaddr*>(&address), &size) == 0;
    if (s >= 0) ::close(s);
    if (!bound) throw std::runtime_error("no free loopback port");
    if (handed_out.insert(ntohs(address.sin_port)).second) return ntohs(address.sin_port);
  }
  throw std::runtime_error("no loopback port that was not handed out already");
}

}  // namespace cimbus::harness
