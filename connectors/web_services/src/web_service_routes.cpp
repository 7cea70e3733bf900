#include "cimbus/web_services/web_service_routes.hpp"

#include <set>
#include <stdexcept>

#include <httplib.h>

#include "cimbus/codec/xml_text.hpp"
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

class WebServiceRoutes::Impl {
 public:
  Impl(adapter::Adapter& adapter, http::HttpListener& listener, std::shared_ptr<SchemaRegistry> registry)
      : adapter_(adapter),
        listener_(listener),
        options_(adapter.options().config.web_services()),
        catalog_(*registry, nouns_of(options_)),
        schemas_(*registry),
        calls_(adapter, registry),
        json_(adapter, registry),
        index_(index_page(catalog_, adapter.options().config.system())) {
    routes(listener.server());
    adapter_.log().info("web services: " + std::to_string(catalog_.services().size()) + " services, listed at /");
  }

 private:
  // Registered after the operations endpoint's (/metrics, /console, ...), which the one-segment
  // routes below would otherwise take: cpp-httplib tries routes in the order they were added.
  void routes(httplib::Server& server) {
    server.Get("/", [this](const httplib::Request&, httplib::Response& res) { res.set_content(index_, "text/html; charset=utf-8"); });
    // The local JSON API (connectors/json) for systems with a plain HTTP API.
    server.Get("/openapi.json", [this](const httplib::Request&, httplib::Response& res) { res.set_content(json_.openapi(), "application/json"); });
    server.Post(R"(/(events|requests)/([A-Za-z0-9_]+)/([A-Za-z]+))", [this](const httplib::Request& req, httplib::Response& res) {
      http::HttpAnswer answer = json_.post(req.matches[1].str(), req.matches[2].str(), req.matches[3].str(),
                                           req.get_header_value("Idempotency-Key"), req.get_header_value("Callback-URL"), req.body);
      res.status = answer.status;
      res.set_content(std::move(answer.body), answer.content_type);
    });
    server.Post(R"(/results/([A-Za-z0-9_]+))", [this](const httplib::Request& req, httplib::Response& res) {
      http::HttpAnswer answer = json_.post_result(req.matches[1].str(), req.body);
      res.status = answer.status;
      res.set_content(std::move(answer.body), answer.content_type);
    });
    server.Get(R"(/xsd/([A-Za-z0-9_.-]+))", [this](const httplib::Request& req, httplib::Response& res) {
      const std::string* xsd = schemas_.find(req.matches[1].str());
      if (xsd == nullptr) return not_found(res, "no schema " + req.matches[1].str());
      res.set_content(*xsd, "text/xml; charset=utf-8");
    });
    server.Get(R"(/([A-Za-z0-9_]+))", [this](const httplib::Request& req, httplib::Response& res) {
      const Service* service = catalog_.find(req.matches[1].str());
      if (service == nullptr) return not_found(res, "no service " + req.matches[1].str());
      if (!req.has_param("wsdl")) {
        res.status = 405;
        res.set_header("Allow", "POST");
        return res.set_content(service->name + " takes SOAP calls by POST; its WSDL is at ?wsdl\n", "text/plain; charset=utf-8");
      }
      const std::string host = req.has_header("Host") ? req.get_header_value("Host") : listener_.host() + ":" + std::to_string(listener_.port());
      res.set_content(wsdl_of(*service, schemas_, listener_.scheme() + "://" + host + "/" + service->name), "text/xml; charset=utf-8");
    });
    server.Post(R"(/([A-Za-z0-9_]+))", [this](const httplib::Request& req, httplib::Response& res) {
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
  http::HttpListener& listener_;
  const config::WebServices& options_;
  const ServiceCatalog catalog_;
  const SchemaDocuments schemas_;
  SoapCallHandler calls_;
  json::JsonApi json_;
  const std::string index_;
};

WebServiceRoutes::WebServiceRoutes(adapter::Adapter& adapter, http::HttpListener& listener, std::shared_ptr<SchemaRegistry> registry)
    : impl_(std::make_unique<Impl>(adapter, listener, std::move(registry))) {}
WebServiceRoutes::~WebServiceRoutes() = default;

}  // namespace cimbus::web_services
