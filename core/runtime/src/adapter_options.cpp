#include "cimbus/runtime/adapter_options.hpp"

#include <filesystem>

#include <cstdlib>
#include <stdexcept>

#include "cimbus/runtime/config_file.hpp"
#include "cimbus/runtime/secret_file.hpp"
#include "cimbus/runtime/web_callback.hpp"
#include "cimbus/store/store_location.hpp"

namespace cimbus::adapter {

namespace {

std::string env(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  return value == nullptr ? std::string() : value;
}

}  // namespace

AdapterOptions AdapterOptions::from_config(config::AdapterConfig c) {
  if (c.system().empty()) throw std::invalid_argument("system: missing (cis, oms, wms, ...)");
  if (c.instance().empty()) throw std::invalid_argument("instance: missing (unique per process, e.g. " + c.system() + "-1)");
  if (c.store().empty()) c.set_store(c.instance() + ".sqlite");
  if (c.max_attempts() <= 0) c.set_max_attempts(5);
  if (c.page_size() < 0) throw std::invalid_argument("page_size: must not be negative");
  if (c.request_timeout_ms() <= 0) c.set_request_timeout_ms(30000);
  if (c.batch() <= 0) c.set_batch(64);
  if (c.order_wait_ms() == 0) c.set_order_wait_ms(30000);
  if (c.order_wait_ms() < -1) throw std::invalid_argument("order_wait_ms: a wait in ms, or -1 for no per-object order");
  if (c.credit() <= 0) c.set_credit(256);
  if (c.inbox_retention_s() <= 0) c.set_inbox_retention_s(7 * 24 * 3600);
  if (c.policy().empty()) c.set_policy("strict");
  if (c.replay_detection().window_s() <= 0) c.mutable_replay_detection()->set_window_s(300);
  if (c.replay_detection().nonce_memory_s() <= 0) c.mutable_replay_detection()->set_nonce_memory_s(86400);
  {
    config::Connector* connector = c.mutable_connector();
    if (connector->kind().empty()) connector->set_kind("embedded");
    const std::string& kind = connector->kind();
    if (kind != "embedded" && kind != "web_services" && kind != "json")
      throw std::invalid_argument("connector.kind: '" + kind + "' is not embedded, web_services or json");
    if (kind != "embedded" && connector->url().empty() && connector->urls().empty())
      throw std::invalid_argument("connector.url: missing (where the " + kind + " system is)");
    if (connector->timeout_ms() <= 0) connector->set_timeout_ms(10000);
    if (connector->max_calls() <= 0) connector->set_max_calls(8);
    if (connector->result_timeout_ms() <= 0) connector->set_result_timeout_ms(600000);
    const std::string& reply_address = connector->reply_address();
    if (!reply_address.empty() && !is_callback_url(reply_address))
      throw std::invalid_argument("connector.reply_address: '" + reply_address + "' is not an http(s) URL");
    if (!reply_address.empty() && c.web_services().listen().empty())
      throw std::invalid_argument("connector.reply_address: results are taken by the adapter's own services; set web_services.listen");
    if (connector->soap_version().empty()) connector->set_soap_version("1.1");
    if (connector->soap_version() != "1.1" && connector->soap_version() != "1.2")
      throw std::invalid_argument("connector.soap_version: '" + connector->soap_version() + "' is not 1.1 or 1.2");
  }
  if (c.journal().retention_s() <= 0) c.mutable_journal()->set_retention_s(7 * 24 * 3600);
  {
    config::Endpoint* endpoint = c.mutable_endpoint();
    if (endpoint->listen().empty()) endpoint->set_listen("127.0.0.1:0");
    if (endpoint->ready_outbox_rows() <= 0) endpoint->set_ready_outbox_rows(10000);
    if (endpoint->ready_outbox_age_s() <= 0) endpoint->set_ready_outbox_age_s(60);
    if (endpoint->tls_certificate_file().empty() != endpoint->tls_key_file().empty())
      throw std::invalid_argument("endpoint: tls_certificate_file and tls_key_file go together");
  }
  {
    config::WebServices* ws = c.mutable_web_services();
    if (ws->callback_attempts() <= 0) ws->set_callback_attempts(5);
    if (ws->callback_retry_ms() <= 0) ws->set_callback_retry_ms(1000);
    if (ws->callback_timeout_ms() <= 0) ws->set_callback_timeout_ms(10000);
    for (const std::string& url : ws->reply_urls())
      if (!is_callback_url(url))
        throw std::invalid_argument("web_services.reply_urls: '" + url + "' is not an http(s) URL prefix");
  }
  if (!c.web_services().listen().empty()) {
    config::WebServices* ws = c.mutable_web_services();
    if (ws->call_timeout_ms() <= 0) ws->set_call_timeout_ms(c.request_timeout_ms());
    if (ws->max_body_bytes() <= 0) ws->set_max_body_bytes(4 << 20);
    if (ws->max_calls() <= 0) ws->set_max_calls(16);
    if (ws->read_timeout_ms() <= 0) ws->set_read_timeout_ms(10000);
    if (ws->max_queued_calls() <= 0) ws->set_max_queued_calls(64);
    if (ws->tls_certificate_file().empty() != ws->tls_key_file().empty())
      throw std::invalid_argument("web_services: tls_certificate_file and tls_key_file go together");
    if (!ws->user().empty() && ws->password_env().empty())
      throw std::invalid_argument("web_services.user: needs password_env (the variable that holds the password)");
    if (ws->listen().find(':') == std::string::npos) throw std::invalid_argument("web_services.listen: '" + ws->listen() + "' is not host:port");
  }

  AdapterOptions o;
  auto policy = parse_validation_policy(c.policy());
  if (!policy) throw std::invalid_argument("policy: '" + c.policy() + "' is not strict, lenient or off");
  o.policy = *policy;
  o.profile = bus::BrokerProfile::named(c.broker().profile().empty() ? "rabbitmq" : c.broker().profile());
  o.naming = bus::Naming::named(c.naming(), c.context());
  // The environment overrides the file (a deployment moves the broker without editing every
  // configuration): CIMBUS_BROKER_URL, one URL or several separated by commas, replaces broker.urls.
  const std::string url_from_environment = env("CIMBUS_BROKER_URL");
  if (!url_from_environment.empty()) {
    o.connection.urls = bus::split_urls(url_from_environment);
  } else {
    for (const auto& url : c.broker().urls()) o.connection.urls.push_back(url);
  }
  if (o.connection.urls.empty()) throw std::invalid_argument("broker.urls: missing (and CIMBUS_BROKER_URL is not set)");
  o.connection.user = c.broker().user();
  o.connection.password = c.broker().password();
  if (!c.broker().password_env().empty() && !c.broker().password_file().empty())
    throw std::invalid_argument("broker: password_env and password_file both name the password; keep one");
  if (!c.broker().password_env().empty()) {
    o.connection.password = env(c.broker().password_env());
    if (o.connection.password.empty())
      throw std::invalid_argument("broker.password_env: the variable " + c.broker().password_env() + " is not set");
  }
  if (!c.broker().password_file().empty()) o.connection.password = read_secret_file(c.broker().password_file(), "broker.password_file");
  // Who logs in is the configuration's to say when it says it (a user, a password, a client
  // certificate): a login in CIMBUS_BROKER_URL is then left out, so that one variable can point
  // every adapter of a host at the broker while each keeps its own user.
  const bool configuration_logs_in = !o.connection.user.empty() || !o.connection.password.empty() ||
                                     !c.broker().certificate_file().empty() || c.broker().sasl_mechanism() == "EXTERNAL";
  if (!url_from_environment.empty() && configuration_logs_in) {
    bus::ConnectionOptions ignored;
    ignored.urls = o.connection.urls;
    bus::take_login_from_urls(ignored);
    o.connection.urls = ignored.urls;
  }
  bus::take_login_from_urls(o.connection);
  const config::Broker& broker = c.broker();
  o.connection.tls.ca_file = !broker.ca_file().empty() ? broker.ca_file() : env("CIMBUS_BROKER_CA");
  o.connection.tls.certificate_file = broker.certificate_file();
  o.connection.tls.key_file = broker.key_file();
  if (!broker.tls_verify().empty()) {
    const auto verify = bus::parse_tls_verify(broker.tls_verify());
    if (!verify) throw std::invalid_argument("broker.tls_verify: '" + broker.tls_verify() + "' is not name, chain or none");
    o.connection.tls.verify = *verify;
  }
  if (!broker.sasl_mechanism().empty()) {
    if (broker.sasl_mechanism() != "PLAIN" && broker.sasl_mechanism() != "EXTERNAL")
      throw std::invalid_argument("broker.sasl_mechanism: '" + broker.sasl_mechanism() + "' is not PLAIN or EXTERNAL");
    o.connection.sasl_mechanisms = broker.sasl_mechanism();
  }
  o.connection.allow_plain_without_tls = broker.allow_plain_without_tls() || env("CIMBUS_BROKER_ALLOW_PLAIN") == "1";
  try {
    bus::check_security(o.connection);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(std::string("broker: ") + e.what());
  }
  o.connection.container_id = c.instance();
  if (!c.broker().vhost().empty()) {
    o.connection.virtual_host = o.profile.virtual_host(c.broker().vhost());
    if (o.connection.virtual_host.empty())
      throw std::invalid_argument("broker.vhost: the " + o.profile.name + " profile has no virtual hosts; segregate contexts by naming \"context\"");
    // Qpid Proton also checks the broker's certificate against the open's hostname.
    if (o.connection.tls.enabled && o.connection.tls.verify == bus::TlsVerify::name)
      throw std::invalid_argument("broker.vhost: over TLS, Qpid Proton would check the broker's certificate against '" + o.connection.virtual_host +
                                  "' rather than its host name; use the broker's default virtual host there");
  }
  o.config = std::move(c);
  return o;
}

AdapterOptions AdapterOptions::load(const std::string& path) {
  config::AdapterConfig c = load_adapter_config(path);
  try {
    // A secret in the file is read by whoever reads the file, its backups and its history.
    if (!c.broker().password().empty())
      throw std::invalid_argument("broker.password: a password in the configuration file is refused; put it in a file of mode "
                                  "0600 named by broker.password_file, or in the variable named by broker.password_env");
    for (const std::string& url : c.broker().urls())
      if (bus::url_has_password(url))
        throw std::invalid_argument("broker.urls: " + bus::url_without_password(url) + " carries a password, refused in the "
                                    "configuration file; give the user in broker.user and the password by broker.password_file "
                                    "or broker.password_env");
    resolve_paths(c, std::filesystem::path(path).parent_path().string());
    return from_config(std::move(c));
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(path + ": " + e.what());
  }
}

// A relative path in a configuration file is the file's neighbour, whatever the directory the
// process was started in (the store, the broker's password, certificate, key and CA files).
void AdapterOptions::resolve_paths(config::AdapterConfig& c, const std::string& folder) {
  auto resolve = [&folder](const std::string& p) {
    if (p.empty() || std::filesystem::path(p).is_absolute()) return p;
    return (folder.empty() ? std::filesystem::path(p) : std::filesystem::path(folder) / p).lexically_normal().string();
  };
  if (!store::names_postgresql(c.store())) c.set_store(resolve(c.store().empty() ? c.instance() + ".sqlite" : c.store()));
  config::Broker& b = *c.mutable_broker();
  b.set_password_file(resolve(b.password_file()));
  b.set_ca_file(resolve(b.ca_file()));
  b.set_certificate_file(resolve(b.certificate_file()));
  b.set_key_file(resolve(b.key_file()));
}

}  // namespace cimbus::adapter
