#pragma once
// The inbound side of the web-service binding (IEC 61968-100 clause 5.3.3, the smart proxy): the
// routes of the adapter process's HTTP server (cimbus/http/http_listener.hpp) serving, for the nouns of its configuration
// (AdapterConfig.web_services), the strongly typed services of Annex C and the generic service of
// Annex D, each call a bus message through the adapter, its reply the call's response.
//
//   GET  /                          a page listing the services
//   POST /<Service>                 a SOAP 1.1 or 1.2 call (soap_call_handler in src/)
//   GET  /<Service>?wsdl            its WSDL (wsdl.hpp), with the address the caller used
//   GET  /xsd/<file>                the schemas the WSDLs import
//   POST /events/<Noun>/<verb>      the local JSON API (cimbus/json/json_api.hpp)
//   POST /requests/<Noun>/<verb>
//   GET  /openapi.json              its OpenAPI description
//
//   HttpListener listener(...);                // cimbus/http/http_listener.hpp
//   WebServiceRoutes services(adapter, listener);  // after adapter.start(), before listener.start()
//   listener.start();
//
// Threading: calls are served on the listener's threads (web_services.max_calls; more wait).
// Bodies over max_body_bytes get 413; a call whose bytes stop coming for read_timeout_ms is dropped.
// The routes must outlive the listener's service: stop the listener first.

#include <memory>
#include <string>

#include "cimbus/http/http_listener.hpp"
#include "cimbus/runtime/adapter.hpp"

namespace cimbus::web_services {

class WebServiceRoutes {
 public:
  WebServiceRoutes(adapter::Adapter& adapter, http::HttpListener& listener, std::shared_ptr<SchemaRegistry> registry = SchemaRegistry::builtin());
  ~WebServiceRoutes();
  WebServiceRoutes(const WebServiceRoutes&) = delete;
  WebServiceRoutes& operator=(const WebServiceRoutes&) = delete;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cimbus::web_services
