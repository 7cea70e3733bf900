#include "stack.hpp"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include <unistd.h>
#include <stdexcept>

#include "cimbus/store/postgresql_engine.hpp"
#include "cimbus/bus/connection_options.hpp"
#include "cimbus/runtime/config_file.hpp"
#include "cimbus/runtime/secret_file.hpp"
#include "local_adapter.hpp"

namespace cimbus::storm {

namespace {

// The broker URL replaces the deployment's broker address and credentials. With the private
// broker's directory (scripts/broker --dir), each adapter logs in as its system's own user
// (decisions/0026): by its certificate over TLS (DIR/tls/<system>.pem, SASL EXTERNAL), else by its
// password (DIR/users/<system>). Without it, with the URL's login, its password in a file of
// the run (never in a configuration file: README, "Secrets").
void point_at_broker(config::AdapterConfig& c, const std::string& url, const std::string& broker_dir, const std::string& work_dir) {
  config::Broker& broker = *c.mutable_broker();
  broker.clear_urls();
  broker.clear_user();
  broker.clear_password();
  broker.clear_password_env();
  broker.clear_password_file();
  bus::ConnectionOptions login;
  login.urls = bus::split_urls(url);  // a cluster's nodes, for failover
  bus::take_login_from_urls(login);
  for (const std::string& node : login.urls) broker.add_urls(node);  // without the login
  if (broker_dir.empty()) {
    broker.set_user(login.user);
    if (!login.password.empty()) {
      adapter::write_secret_file(work_dir + "/broker.password", login.password);
      broker.set_password_file(work_dir + "/broker.password");
    }
    return;
  }
  const std::string certificate = broker_dir + "/tls/" + c.system() + ".pem";
  if (login.tls.enabled && std::filesystem::exists(certificate)) {
    broker.set_certificate_file(certificate);
    broker.set_key_file(broker_dir + "/tls/" + c.system() + ".key");
    broker.set_sasl_mechanism("EXTERNAL");
    return;
  }
  broker.set_user(c.system());
  broker.set_password_file(broker_dir + "/users/" + c.system());
}

// `url` (scheme://[login@]host[:port][/...]) with another host.
std::string with_host(const std::string& url, const std::string& host) {
  const std::size_t start = url.find("://");
  if (start == std::string::npos) return url;
  std::size_t begin = start + 3;
  const std::size_t end_of_authority = url.find_first_of("/?", begin);
  const std::size_t at = url.rfind('@', end_of_authority);
  if (at != std::string::npos && at >= begin) begin = at + 1;
  const std::size_t end = url.find_first_of(":/?", begin);
  return url.substr(0, begin) + host + (end == std::string::npos ? "" : url.substr(end));
}

}  // namespace

Stack::Stack(const StormOptions& options) : options_(options) {}

Stack::~Stack() {
  for (Instance& i : instances_)
    if (i.process) i.process->kill_hard();
}

std::string Stack::store(const std::string& role) const {
  if (!options_.store_url.empty()) return store::postgresql_database_url(options_.store_url, "cimbus_" + role);
  return (options_.store_dir.empty() ? options_.work_dir : options_.store_dir) + "/" + role + ".sqlite";
}

void Stack::start() {
  std::filesystem::create_directories(options_.work_dir);
  for (const std::string role : {"wms", "oms", "cis"}) {
    config::AdapterConfig c = adapter::load_adapter_config(options_.deploy_dir + "/" + role + ".json");
    point_at_broker(c, options_.broker_url, options_.broker_dir, options_.work_dir);
    c.mutable_broker()->set_quorum_queues(options_.quorum_queues);
    c.set_store(store(role));
    // The deployment's fixed ports would clash between instances and parallel runs: each process
    // serves on a free port of the storm's choosing (set per instance below); the CIS's web
    // services on one the portal calls.
    if (std::string(role) == "cis") {
      const std::string listen = "127.0.0.1:" + std::to_string(harness::free_loopback_port());
      c.mutable_web_services()->set_listen(listen);
      endpoints_["cis"] = "http://" + listen;
    }
    if (auto outside = options_.outside.find(role); outside != options_.outside.end()) {
      // A system outside cimbus: every route goes to it; it publishes and requests through the
      // adapter's services.
      config::Connector* connector = c.mutable_connector();
      connector->Clear();
      connector->set_kind(outside->second.connector);
      connector->set_url(outside->second.url);
      connector->set_timeout_ms(2000);  // short: an outage of the system is felt, and retried, within the storm
      c.mutable_web_services()->set_listen(outside->second.listen);
    }
    auto& settings = *c.mutable_connector()->mutable_settings();
    settings["seed"] = std::to_string(options_.seed);
    settings["customers"] = std::to_string(options_.customers);
    if (std::string(role) == "wms") {
      settings["step_ms"] = std::to_string(options_.wms_step_ms);
      settings["crews"] = std::to_string(options_.crews);
    }
    // Requests wait for a restarted peer rather than time out during a crash drill.
    c.set_request_timeout_ms(std::max(c.request_timeout_ms(), options_.timeout_s * 1000));
    const int count = std::string(role) == "oms" ? options_.oms_instances : 1;
    for (int n = 1; n <= count; ++n) {
      Instance i;
      i.role = role;
      i.name = std::string(role) + "-" + std::to_string(n);
      config::AdapterConfig ci = c;
      ci.set_instance(i.name);
      std::string address = "127.0.0.1";
      if (std::string(role) == "oms" && n <= static_cast<int>(options_.oms_hosts.size())) {
        // Another "host": its own address, and the servers at the gateway's.
        const StormOptions::Host& host = options_.oms_hosts[static_cast<std::size_t>(n - 1)];
        i.netns = host.netns;
        address = host.address;
        config::Broker& broker = *ci.mutable_broker();
        for (std::string& url : *broker.mutable_urls()) url = with_host(url, host.gateway);
        if (store::names_postgresql(ci.store())) ci.set_store(with_host(ci.store(), host.gateway));
      }
      // Its operations endpoint (health, metrics, console): the web services' server if it has
      // one (an outside system's at the port it knows), else the endpoint's own. Kept across a
      // crash drill's restart.
      const bool serves = !ci.web_services().listen().empty();
      const std::string listen = address + ":" + std::to_string(harness::free_loopback_port());
      if (serves && std::string(role) != "cis" && !options_.outside.count(role)) ci.mutable_web_services()->set_listen(listen);
      if (!serves) ci.mutable_endpoint()->set_listen(listen);
      if (!i.netns.empty()) {  // beyond loopback: calls need the storm's token
        ci.mutable_web_services()->set_token_env("CIMBUS_STORM_ENDPOINT_TOKEN");
        ci.mutable_endpoint()->set_token_env("CIMBUS_STORM_ENDPOINT_TOKEN");
      }
      i.endpoint = "http://" + (serves ? ci.web_services().listen() : ci.endpoint().listen());
      i.config = options_.work_dir + "/" + i.name + ".json";
      i.log = options_.work_dir + "/" + i.name + ".log";
      adapter::save_adapter_config(ci, i.config);
      instances_.push_back(std::move(i));
    }
  }
  // Each console traces across the others: their endpoints as its peers.
  for (const Instance& i : instances_) {
    config::AdapterConfig c = adapter::load_adapter_config(i.config);
    for (const Instance& other : instances_)
      if (other.name != i.name) c.mutable_endpoint()->add_peers(other.endpoint);
    adapter::save_adapter_config(c, i.config);
  }
  for (Instance& i : instances_) launch(i);
  write_prometheus_targets();
}

std::vector<std::pair<std::string, std::string>> Stack::operations_endpoints() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const std::string role : {"cis", "oms", "wms"})
    for (const Instance& i : instances_)
      if (i.role == role) out.emplace_back(i.name, i.endpoint);
  return out;
}

std::vector<Stack::ProcessFigures> Stack::process_figures() const {
  std::vector<ProcessFigures> out;
  const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
  for (const std::string role : {"cis", "oms", "wms"})
    for (const Instance& i : instances_) {
      if (i.role != role || !i.process) continue;
      ProcessFigures f{i.name};
      const std::string proc = "/proc/" + std::to_string(i.process->pid());
      std::ifstream status(proc + "/status");
      for (std::string line; std::getline(status, line);)
        if (line.rfind("VmHWM:", 0) == 0) f.peak_kb = std::atol(line.c_str() + 6);
      // /proc/PID/stat: utime and stime are the 14th and 15th fields, the 12th and 13th after the
      // command's closing parenthesis (the command may hold spaces).
      std::ifstream stat(proc + "/stat");
      std::string all((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
      std::istringstream fields(all.substr(all.rfind(')') + 2));
      std::string field;
      long utime = 0, stime = 0;
      for (int n = 3; n <= 15 && fields >> field; ++n) {
        if (n == 14) utime = std::atol(field.c_str());
        if (n == 15) stime = std::atol(field.c_str());
      }
      f.cpu_s = static_cast<double>(utime + stime) / ticks;
      out.push_back(f);
    }
  return out;
}

std::string Stack::operations_endpoint(const std::string& role) const {
  for (const Instance& i : instances_)
    if (i.role == role) return i.endpoint;
  throw std::invalid_argument("no instance of " + role + " in this storm");
}

// Prometheus's file-based discovery (file_sd_configs): one target per process, labelled with its
// system and instance, so that a scrape configuration needs only this file's path.
void Stack::write_prometheus_targets() const {
  std::ofstream out(options_.work_dir + "/prometheus-targets.json");
  out << "[\n";
  for (std::size_t n = 0; n < instances_.size(); ++n) {
    const Instance& i = instances_[n];
    const std::string host_port = i.endpoint.substr(i.endpoint.find("//") + 2);
    out << "  {\"targets\": [\"" << host_port << "\"], \"labels\": {\"system\": \"" << i.role << "\", \"adapter\": \"" << i.name << "\"}}"
        << (n + 1 < instances_.size() ? ",\n" : "\n");
  }
  out << "]\n";
}

std::string Stack::endpoint(const std::string& role) const {
  auto it = endpoints_.find(role);
  if (it == endpoints_.end()) throw std::invalid_argument("no web services of " + role + " in this storm");
  return it->second;
}

void Stack::launch(Instance& i) {
  std::vector<std::string> command{options_.bin_dir + "/cimbus-" + i.role, i.config};
  // On another "host": in its network namespace, with the broker's address of its configuration
  // (the gateway's), not the storm's. ip and env exec the adapter: the pid is the adapter's.
  if (!i.netns.empty()) command.insert(command.begin(), {"/usr/sbin/ip", "netns", "exec", i.netns, "/usr/bin/env", "-u", "CIMBUS_BROKER_URL"});
  i.process = std::make_unique<harness::AdapterProcess>(command, std::chrono::seconds(60), i.log);
}

void Stack::kill(const std::string& role) {
  for (Instance& i : instances_)
    if (i.role == role && i.process && i.process->running()) {
      i.process->kill_hard();
      return;
    }
  throw std::invalid_argument("no running instance of '" + role + "' to kill (cis, oms, wms)");
}

void Stack::restart(const std::string& role) {
  for (Instance& i : instances_)
    if (i.role == role && (!i.process || !i.process->running())) {
      launch(i);
      return;
    }
}

std::vector<std::string> Stack::stop() {
  std::vector<std::string> failed;
  // The CIS first: it makes the requests; the WMS last: it answers them.
  for (const std::string role : {"cis", "oms", "wms"})
    for (Instance& i : instances_)
      if (i.role == role && i.process && i.process->running()) {
        const int status = i.process->stop();
        if (status != 0) failed.push_back(i.name + ": " + std::to_string(status));
      }
  return failed;
}

}  // namespace cimbus::storm
