#include "role.hpp"

#include "records.hpp"

#include <iostream>
#include <optional>

#include "cimbus/runtime/log.hpp"
#include "cimbus/runtime/stop_signals.hpp"
#include "cimbus/http/http_listener.hpp"
#include "cimbus/json/json_client.hpp"
#include "cimbus/operations/operations_endpoint.hpp"
#include "cimbus/web_services/web_service_client.hpp"
#include "cimbus/web_services/web_service_routes.hpp"
#include "cimbus/web_services/web_callback_client.hpp"

namespace cimbus::reference {

std::map<std::string, std::string> embedded_settings(const adapter::AdapterOptions& options) {
  const auto& settings = options.config.connector().settings();
  return {settings.begin(), settings.end()};
}

void forward_routes(adapter::Adapter& adapter, const adapter::AdapterOptions& options, const adapter::SystemCall& call) {
  for (const auto* routes : {&options.config.handles(), &options.config.subscribes()})
    for (const config::Route& route : *routes)
      for (const std::string& literal : route.verbs()) {
        const std::optional<Verb> verb = parse_verb(literal);
        if (!verb) throw std::invalid_argument("route " + route.noun() + ": '" + literal + "' is not a verb");
        adapter.forward(route.noun(), *verb, call);
      }
}

namespace {

// Who answers the routes: the embedded reference system, or a real one through a connector.
void connect_system(adapter::Adapter& adapter, const adapter::AdapterOptions& options, const RoleSetup& embedded) {
  const config::Connector& connector = options.config.connector();
  if (connector.kind() == "embedded") {
    embedded(adapter, options);
    return;
  }
  std::shared_ptr<SchemaRegistry> registry = SchemaRegistry::builtin();
  adapter::SystemCall call;
  if (connector.kind() == "web_services") {
    auto client = std::make_shared<web_services::WebServiceClient>(connector, registry, options.policy);
    call = [client](const Envelope& message, Envelope& reply) { client->call(message, reply); };
  } else {
    auto client = std::make_shared<json::JsonClient>(connector, registry);
    call = [client](const Envelope& message, Envelope& reply) { client->call(message, reply); };
  }
  forward_routes(adapter, options, call);
  adapter.log().info("the system is reached by " + connector.kind() + " at " + (connector.url().empty() ? std::string("its URLs per noun") : connector.url()));
}

}  // namespace

int run_role(int argc, char** argv, const std::string& program, const RoleSetup& setup) {
  if (argc != 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
    std::cerr << "usage: " << program << " CONFIG.json\n"
              << "  An IEC 61968 adapter process; the configuration is described in deploy/README.md.\n"
              << "  SIGTERM or SIGINT: finish the work in hand, send the outbox, exit 0.\n";
    return argc == 2 ? 0 : 2;
  }
  // Blocked here, before any thread starts, so that every thread leaves them to the wait in
  // run_until_signal().
  const adapter::StopSignals signals;
  try {
    adapter::AdapterOptions options = adapter::AdapterOptions::load(argv[1]);
    set_counting_instance(options.config.instance());
    adapter::Adapter adapter(options);
    connect_system(adapter, options, setup);
    // Replies to bus messages whose ReplyAddress is a URL that web_services.reply_urls allows.
    if (options.config.web_services().reply_urls_size() > 0)
      adapter.answer_web_callbacks(web_services::web_callback_client(options.config.web_services(), SchemaRegistry::builtin()));
    adapter.start();
    // The process's HTTP server: the web services' when configured, else the endpoint's own. The
    // operations endpoint answers from now on, so /health/ready says why the adapter is not ready.
    const auto& config = options.config;
    std::optional<http::HttpListener> listener;
    if (!config.web_services().listen().empty())
      listener.emplace(http::ListenerSettings::of(config.web_services()), http::InboundCredentials(config.web_services()), config.system());
    else if (config.endpoint().listen() != "off")
      listener.emplace(http::ListenerSettings::of(config.endpoint()), http::InboundCredentials(config.endpoint()), config.system());
    std::optional<operations::OperationsEndpoint> endpoint;
    std::optional<web_services::WebServiceRoutes> services;
    if (listener) {
      endpoint.emplace(adapter, *listener);  // first: the web services' one-segment routes would take /metrics
      if (!config.web_services().listen().empty()) services.emplace(adapter, *listener);
      listener->start();
      adapter.log().info("endpoint at " + listener->base_url() + "/ (health: /health/ready, metrics: /metrics)");
      std::cout << config.system() << " endpoint: " << listener->base_url() << std::endl;
    }
    if (!adapter.wait_ready(std::chrono::seconds(60))) {
      adapter.log().error("the broker's queues are not reachable (is the topology loaded? see deploy/README.md)");
      adapter.stop();
      return 1;
    }
    std::cout << "ready" << std::endl;
    return adapter.run_until_signal([&listener] {
      if (listener) listener->stop();
    });
  } catch (const std::exception& e) {
    adapter::Log(program).error(e.what());
    return 1;
  }
}

}  // namespace cimbus::reference
