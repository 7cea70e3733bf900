#pragma once
// The inbound side of the web-service binding (IEC 61968-100 clause 5.3.3, the smart proxy): an
// HTTP server in the adapter process serving, for the nouns of its configuration
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
//   WebServiceServer server(adapter);   // after adapter.start()
//   server.start();                     // throws when the address cannot be bound
//   log(server.base_url());             // http://127.0.0.1:8081
//   ...
//   server.stop();                      // before adapter.stop()
//
// Threading: start() and stop() from one thread. Calls are served on a pool of
// web_services.max_calls threads; more calls wait for a free one. Bodies over max_body_bytes get
// 413; a call whose bytes stop coming for read_timeout_ms is dropped.

#include <memory>
#include <string>

#include "cimbus/runtime/adapter.hpp"

namespace cimbus::web_services {

class WebServiceServer {
 public:
  explicit WebServiceServer(adapter::Adapter& adapter, std::shared_ptr<SchemaRegistry> registry = SchemaRegistry::builtin());
  ~WebServiceServer();  // stop()
  WebServiceServer(const WebServiceServer&) = delete;
  WebServiceServer& operator=(const WebServiceServer&) = delete;

  void start();
  void stop();

  int port() const;               // the bound port (a free one when the configuration says 0)
  std::string base_url() const;   // http://<host>:<port>

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cimbus::web_services
