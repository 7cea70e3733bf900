#pragma once
// The adapter process's one HTTP server (cpp-httplib): where it listens, TLS, who may call, and a
// bounded pool of threads. Its routes are added by those who serve on it (the web services, the
// JSON API, the operations endpoint) before start().
//
//   HttpListener listener(ListenerSettings::of(config.endpoint()), InboundCredentials(config.endpoint()), "oms");
//   listener.server().Get("/health/live", ...);
//   listener.start();                 // throws when the address cannot be bound
//   log(listener.base_url());         // http://127.0.0.1:8081
//   listener.stop();
//
// Without credentials, only a loopback address is accepted. With them, every call must carry
// HTTP basic credentials or a bearer token that matches (401 otherwise).
//
// Threading: start() and stop() from one thread. Calls are served on `max_calls` threads; at most
// `max_queued_calls` more wait for one, further connections stay in the socket's backlog. Bodies
// over max_body_bytes get 413; a call whose bytes stop coming for `read_timeout` is dropped.

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include <httplib.h>

#include "cimbus/adapter_config.pb.h"
#include "cimbus/http/inbound_credentials.hpp"

namespace cimbus::http {

struct ListenerSettings {
  std::string section;  // the configuration section, named in errors (web_services, endpoint)
  std::string listen;   // host:port; port 0: any free port
  std::string tls_certificate_file;
  std::string tls_key_file;
  std::size_t max_calls = 16;
  std::size_t max_queued_calls = 64;
  std::size_t max_body_bytes = 4 << 20;
  std::chrono::milliseconds read_timeout{10000};

  static ListenerSettings of(const config::WebServices& options);
  static ListenerSettings of(const config::Endpoint& options);
};

class HttpListener {
 public:
  // `realm` names the server in a 401's WWW-Authenticate (e.g. the system). Throws
  // std::invalid_argument for a non-loopback address without credentials, or unusable TLS files.
  HttpListener(ListenerSettings settings, InboundCredentials credentials, const std::string& realm);
  ~HttpListener();  // stop()
  HttpListener(const HttpListener&) = delete;
  HttpListener& operator=(const HttpListener&) = delete;

  // Where routes are added, before start().
  httplib::Server& server() { return *http_; }

  void start();
  void stop();

  int port() const { return port_; }
  std::string base_url() const;  // http(s)://<host>:<port>
  std::string scheme() const { return settings_.tls_certificate_file.empty() ? "http" : "https"; }
  std::string host() const { return host_; }

 private:
  const ListenerSettings settings_;
  const InboundCredentials credentials_;
  const std::string realm_;
  std::string host_;
  int port_ = 0;
  std::unique_ptr<httplib::Server> http_;
  std::thread thread_;
};

}  // namespace cimbus::http
