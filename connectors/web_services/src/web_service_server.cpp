#include "cimbus/web_services/web_service_server.hpp"

#include <set>
#include <stdexcept>
#include <thread>

#include <httplib.h>

#include "bounded_task_queue.hpp"
#include "cimbus/codec/xml_text.hpp"
#include "cimbus/http/inbound_credentials.hpp"
#include "cimbus/json/json_api.hpp"
#include "cimbus/web_services/schema_documents.hpp"
#include "cimbus/web_services/service_catalog.hpp"
#include "cimbus/web_services/wsdl.hpp"
#include "soap_call_handler.hpp"

namespace cimbus::web_services {

namespace {

std::set<std::string> nouns_of(const config::WebServices& options) {
  return {options.nouns().begin(), options.nouns().end()};
}

std::string index_page(const ServiceCatalog& catalog, const std::string& system) {
  std::string x = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>cimbus " + escape_xml_text(system) +
                  " web services</title></head><body>\n<h1>" + escape_xml_text(system) +
                  ": IEC 61968-100 web services</h1>\n<p>POST SOAP 1.1 or 1.2 calls to a service's URL; its WSDL is at "
                  "<code>?wsdl</code>. A system with a plain HTTP API uses the JSON calls described at "
                  "<a href=\"openapi.json\">openapi.json</a>.</p>\n<table>\n<tr><th>service</th><th>operations</th></tr>\n";
  for (const Service& s : catalog.services()) {
    x += "<tr><td><a href=\"" + s.name + "?wsdl\">" + s.name + "</a></td><td>";
    for (const Operation& op : s.operations) x += op.name + " ";
    x += "</td></tr>\n";
  }
  return x + "</table>\n</body></html>\n";
}

}  // namespace

class WebServiceServer::Impl {
 public:
  Impl(adapter::Adapter& adapter, std::shared_ptr<SchemaRegistry> registry)
      : adapter_(adapter),
        options_(adapter.options().config.web_services()),
        catalog_(*registry, nouns_of(options_)),
        schemas_(*registry),
        calls_(adapter, registry),
        json_(adapter, registry),
        index_(index_page(catalog_, adapter.options().config.system())),
        credentials_(options_) {
    const std::string& listen = options_.listen();
    const std::size_t colon = listen.rfind(':');
    host_ = listen.substr(0, colon);
    port_ = std::stoi(listen.substr(colon + 1));
    // Without credentials, only this host's own processes may call.
    if (!credentials_.required() && !http::is_loopback(host_))
      throw std::invalid_argument("web_services.listen: " + listen + " is not a loopback address, and no credentials are set "
                                  "(user and password_env, credentials_file, or token_env)");
    if (options_.tls_certificate_file().empty()) {
      http_ = std::make_unique<httplib::Server>();
    } else {
      auto tls = std::make_unique<httplib::SSLServer>(options_.tls_certificate_file().c_str(), options_.tls_key_file().c_str());
      if (!tls->is_valid())
        throw std::invalid_argument("web_services: cannot serve TLS with " + options_.tls_certificate_file() + " and " + options_.tls_key_file() +
                                    " (unreadable, not PEM, or the key does not match)");
      http_ = std::move(tls);
    }
  }

  void start() {
    const std::size_t threads = static_cast<std::size_t>(options_.max_calls());
    const std::size_t queued = static_cast<std::size_t>(options_.max_queued_calls());
    http_->new_task_queue = [threads, queued] { return new BoundedTaskQueue(threads, queued); };
    http_->set_payload_max_length(static_cast<std::size_t>(options_.max_body_bytes()));
    const auto read_timeout = std::chrono::milliseconds(options_.read_timeout_ms());
    http_->set_read_timeout(read_timeout);
    http_->set_write_timeout(read_timeout);
    http_->set_keep_alive_timeout(2);
    http_->set_tcp_nodelay(true);  // a response is one write: no waiting for the caller's delayed ACK (40 ms a call)
    routes();
    if (port_ == 0) {
      port_ = http_->bind_to_any_port(host_);
      if (port_ < 0) throw std::runtime_error("web_services.listen: cannot listen on " + host_);
    } else if (!http_->bind_to_port(host_, port_)) {
      throw std::runtime_error("web_services.listen: cannot listen on " + options_.listen() + " (in use, or not an address of this host)");
    }
    thread_ = std::thread([this] { http_->listen_after_bind(); });
    adapter_.log().info("web services at " + base_url() + "/ (" + std::to_string(catalog_.services().size()) + " services)");
  }

  void stop() {
    if (!thread_.joinable()) return;
    http_->stop();
    thread_.join();
  }

  int port() const { return port_; }
  std::string base_url() const { return scheme() + "://" + host_ + ":" + std::to_string(port_); }

 private:
  std::string scheme() const { return options_.tls_certificate_file().empty() ? "http" : "https"; }

  void routes() {
    if (credentials_.required())
      http_->set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
        if (credentials_.accepts(req.get_header_value("Authorization"))) return httplib::Server::HandlerResponse::Unhandled;
        res.status = 401;
        res.set_header("WWW-Authenticate", "Basic realm=\"cimbus " + adapter_.options().config.system() + "\", charset=\"UTF-8\"");
        res.set_content("this service needs HTTP basic credentials or a bearer token\n", "text/plain; charset=utf-8");
        return httplib::Server::HandlerResponse::Handled;
      });
    http_->Get("/", [this](const httplib::Request&, httplib::Response& res) { res.set_content(index_, "text/html; charset=utf-8"); });
    // The local JSON API (connectors/json) for systems with a plain HTTP API.
    http_->Get("/openapi.json", [this](const httplib::Request&, httplib::Response& res) { res.set_content(json_.openapi(), "application/json"); });
    http_->Post(R"(/(events|requests)/([A-Za-z0-9_]+)/([A-Za-z]+))", [this](const httplib::Request& req, httplib::Response& res) {
      http::HttpAnswer answer = json_.post(req.matches[1].str(), req.matches[2].str(), req.matches[3].str(),
                                           req.get_header_value("Idempotency-Key"), req.get_header_value("Callback-URL"), req.body);
      res.status = answer.status;
      res.set_content(std::move(answer.body), answer.content_type);
    });
    http_->Post(R"(/results/([A-Za-z0-9_]+))", [this](const httplib::Request& req, httplib::Response& res) {
      http::HttpAnswer answer = json_.post_result(req.matches[1].str(), req.body);
      res.status = answer.status;
      res.set_content(std::move(answer.body), answer.content_type);
    });
    http_->Get(R"(/xsd/([A-Za-z0-9_.-]+))", [this](const httplib::Request& req, httplib::Response& res) {
      const std::string* xsd = schemas_.find(req.matches[1].str());
      if (xsd == nullptr) return not_found(res, "no schema " + req.matches[1].str());
      res.set_content(*xsd, "text/xml; charset=utf-8");
    });
    http_->Get(R"(/([A-Za-z0-9_]+))", [this](const httplib::Request& req, httplib::Response& res) {
      const Service* service = catalog_.find(req.matches[1].str());
      if (service == nullptr) return not_found(res, "no service " + req.matches[1].str());
      if (!req.has_param("wsdl")) {
        res.status = 405;
        res.set_header("Allow", "POST");
        return res.set_content(service->name + " takes SOAP calls by POST; its WSDL is at ?wsdl\n", "text/plain; charset=utf-8");
      }
      const std::string host = req.has_header("Host") ? req.get_header_value("Host") : host_ + ":" + std::to_string(port_);
      res.set_content(wsdl_of(*service, schemas_, scheme() + "://" + host + "/" + service->name), "text/xml; charset=utf-8");
    });
    http_->Post(R"(/([A-Za-z0-9_]+))", [this](const httplib::Request& req, httplib::Response& res) {
      const Service* service = catalog_.find(req.matches[1].str());
      if (service == nullptr) return not_found(res, "no service " + req.matches[1].str() + "; the services are listed at /");
      http::HttpAnswer answer = calls_.handle(*service, req.get_header_value("Content-Type"), req.get_header_value("SOAPAction"), req.body);
      res.status = answer.status;
      res.set_content(std::move(answer.body), answer.content_type);
    });
  }

  static void not_found(httplib::Response& res, const std::string& what) {
    res.status = 404;
    res.set_content(what + "\n", "text/plain; charset=utf-8");
  }

  adapter::Adapter& adapter_;
  const config::WebServices& options_;
  const ServiceCatalog catalog_;
  const SchemaDocuments schemas_;
  SoapCallHandler calls_;
  json::JsonApi json_;
  const std::string index_;
  std::string host_;
  int port_ = 0;
  const http::InboundCredentials credentials_;
  std::unique_ptr<httplib::Server> http_;
  std::thread thread_;
};

WebServiceServer::WebServiceServer(adapter::Adapter& adapter, std::shared_ptr<SchemaRegistry> registry)
    : impl_(std::make_unique<Impl>(adapter, std::move(registry))) {}
WebServiceServer::~WebServiceServer() { stop(); }

void WebServiceServer::start() { impl_->start(); }
void WebServiceServer::stop() { impl_->stop(); }
int WebServiceServer::port() const { return impl_->port(); }
std::string WebServiceServer::base_url() const { return impl_->base_url(); }

}  // namespace cimbus::web_services
