#include "role.hpp"

#include "records.hpp"

#include <chrono>
#include <cstdlib>
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

namespace {

struct RoleArguments {
  std::string config;
  adapter::Log::Format format = adapter::Log::Format::text;
  std::optional<adapter::Log::Level> level;
};

void usage(std::ostream& out, const std::string& program) {
  out << "usage: " << program << " [--log-format text|json] [--log-level debug|info|warn|error] CONFIG.json\n"
      << "       " << program << " --version\n"
      << "  An IEC 61968 adapter process; the configuration is described in deploy/README.md.\n"
      << "  SIGTERM or SIGINT: finish the work in hand, send the outbox, exit 0.\n"
      << "  SIGUSR1: log at debug level; SIGUSR2: back to the starting level.\n";
}

// nullopt and an exit status when the process ends here (help, version, a usage error: 2).
std::optional<int> read_arguments(int argc, char** argv, const std::string& program, RoleArguments& a) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&](const char* name) -> std::optional<std::string> {
      if (i + 1 < argc) return std::string(argv[++i]);
      std::cerr << program << ": " << name << " needs a value\n";
      return std::nullopt;
    };
    if (arg == "--help" || arg == "-h") {
      usage(std::cout, program);
      return 0;
    }
    if (arg == "--version") {
      std::cout << program << " " << CIMBUS_VERSION << "\n";
      return 0;
    }
    if (arg == "--log-format") {
      auto v = value("--log-format");
      if (!v || !adapter::Log::parse_format(*v, a.format)) {
        if (v) std::cerr << program << ": --log-format " << *v << ": not text or json\n";
        return 2;
      }
    } else if (arg == "--log-level") {
      auto v = value("--log-level");
      adapter::Log::Level level;
      if (!v || !adapter::Log::parse_level(*v, level)) {
        if (v) std::cerr << program << ": --log-level " << *v << ": not debug, info, warn or error\n";
        return 2;
      }
      a.level = level;
    } else if (!arg.empty() && arg[0] == '-') {
      std::cerr << program << ": unknown option " << arg << "\n";
      usage(std::cerr, program);
      return 2;
    } else if (a.config.empty()) {
      a.config = arg;
    } else {
      std::cerr << program << ": one configuration file, not " << a.config << " and " << arg << "\n";
      return 2;
    }
  }
  if (a.config.empty()) {
    usage(std::cerr, program);
    return 2;
  }
  return std::nullopt;
}

// Waits until the adapter is ready, a stop signal comes (0: stopped before it was ready) or
// `limit` passes; false with the reason when it did not get ready.
enum class Start { ready, stopped, not_ready };
Start await_ready(adapter::Adapter& adapter, adapter::StopSignals& signals, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (adapter.wait_ready(std::chrono::milliseconds(200))) return Start::ready;
    if (const int received = signals.wait_for(std::chrono::milliseconds(300)); received != 0) {
      adapter.log().info("signal " + std::to_string(received) + " before the adapter was ready: stopping");
      return Start::stopped;
    }
  }
  return adapter.wait_ready(std::chrono::milliseconds(0)) ? Start::ready : Start::not_ready;
}

}  // namespace

int run_role(int argc, char** argv, const std::string& program, const RoleSetup& setup, const RoleRoutes& routes) {
  RoleArguments arguments;
  if (auto status = read_arguments(argc, argv, program, arguments)) return *status;
  adapter::Log::configure(arguments.format, arguments.level.value_or(adapter::Log::level()));
  // Blocked here, before any thread starts, so that every thread leaves them to the wait in
  // run_until_signal().
  adapter::StopSignals signals;
  try {
    adapter::AdapterOptions options = adapter::AdapterOptions::load(arguments.config);
    adapter::Log::name_process(options.config.system(), options.config.instance());
    adapter::Adapter adapter(options);
    if (const char* url = std::getenv("CIMBUS_BROKER_URL"); url != nullptr && *url != '\0' && options.config.broker().urls_size() > 0)
      adapter.log().info("the broker's address comes from CIMBUS_BROKER_URL, not broker.urls (the environment overrides the file)");
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
      // first: the web services' one-segment routes would take /metrics
      endpoint.emplace(adapter, *listener, config.web_services().listen().empty());
      if (routes && config.connector().kind() == "embedded") routes(*listener, options);
      if (!config.web_services().listen().empty()) services.emplace(adapter, *listener);
      listener->start();
      adapter.log().info("endpoint at " + listener->base_url() + "/ (console: /console, health: /health/ready, metrics: /metrics)");
      std::cout << config.system() << " endpoint: " << listener->base_url() << std::endl;
    }
    switch (await_ready(adapter, signals, std::chrono::seconds(60))) {
      case Start::ready: break;
      case Start::stopped:
        if (listener) listener->stop();
        adapter.stop();
        return 0;
      case Start::not_ready: {
        std::string why;
        for (const adapter::ReadinessCheck& c : adapter.readiness().checks)
          if (!c.ok) why += (why.empty() ? "" : "; ") + c.name + ": " + c.detail;
        adapter.log().error("not ready after 60 s, stopping: " + why);
        if (listener) listener->stop();
        adapter.stop();
        return 1;
      }
    }
    std::cout << "ready" << std::endl;
    return adapter.run_until_signal([&listener] {
      if (listener) listener->stop();
    });
  } catch (const std::exception& e) {
    adapter::Log(program).error(e.what());  // before the configuration named the instance
    return 1;
  }
}

}  // namespace cimbus::reference
