#pragma once
// Where and how an adapter calls its system over HTTP (config Connector: the URL per noun, the
// time-out, the CA certificates for https, the credentials). Shared by the outbound connectors
// (web_services, json).
//
//   SystemEndpoint system(options.config.connector());
//   HttpResponse r = system.post(system.url_for("ServiceOrders") + "/ExecuteServiceOrders", body,
//                                "text/xml; charset=utf-8", {{"SOAPAction", "\"...\""}});
//
// Threading: const and safe to use from several threads at once (each call has its own client).

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "cimbus/adapter_config.pb.h"

namespace cimbus::http {

struct HttpResponse {
  int status = 0;
  std::string content_type;
  std::string body;
};

// No answer came: connection refused or lost, a time-out, a TLS failure. Temporary: the message
// is tried again.
class NoAnswer : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class SystemEndpoint {
 public:
  using Headers = std::vector<std::pair<std::string, std::string>>;

  // Throws std::invalid_argument for a URL that is not http(s), or credentials whose environment
  // variable is not set.
  explicit SystemEndpoint(const config::Connector& connector);

  // The base URL of a noun's calls: connector.urls[noun], else connector.url, without a trailing
  // slash. Throws std::invalid_argument when neither is set.
  std::string url_for(const std::string& noun) const;

  // POSTs `body`; throws NoAnswer when no HTTP response came.
  HttpResponse post(const std::string& url, const std::string& body, const std::string& content_type, const Headers& headers = {}) const;

 private:
  config::Connector connector_;
  std::string password_;
  std::string token_;
};

}  // namespace cimbus::http
