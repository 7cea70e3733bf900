#include "cimbus/http/http_listener.hpp"

#include <stdexcept>

#include "bounded_task_queue.hpp"

namespace cimbus::http {

ListenerSettings ListenerSettings::of(const config::WebServices& o) {
  ListenerSettings s;
  s.section = "web_services";
  s.listen = o.listen();
  s.tls_certificate_file = o.tls_certificate_file();
  s.tls_key_file = o.tls_key_file();
  s.max_calls = static_cast<std::size_t>(o.max_calls());
  s.max_queued_calls = static_cast<std::size_t>(o.max_queued_calls());
  s.max_body_bytes = static_cast<std::size_t>(o.max_body_bytes());
  s.read_timeout = std::chrono::milliseconds(o.read_timeout_ms());
  return s;
}

// The endpoint serves people and Prometheus: a few threads, small bodies.
ListenerSettings ListenerSettings::of(const config::Endpoint& o) {
  ListenerSettings s;
  s.section = "endpoint";
  s.listen = o.listen();
  s.tls_certificate_file = o.tls_certificate_file();
  s.tls_key_file = o.tls_key_file();
  s.max_calls = 4;
  s.max_queued_calls = 16;
  s.max_body_bytes = 64 << 10;
  return s;
}

HttpListener::HttpListener(ListenerSettings settings, InboundCredentials credentials, const std::string& realm)
    : settings_(std::move(settings)), credentials_(std::move(credentials)), realm_(realm) {
  const std::string& listen = settings_.listen;
  const std::size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon + 1 == listen.size())
    throw std::invalid_argument(settings_.section + ".listen: '" + listen + "' is not host:port");
  host_ = listen.substr(0, colon);
  try {
    port_ = std::stoi(listen.substr(colon + 1));
  } catch (const std::exception&) {
    throw std::invalid_argument(settings_.section + ".listen: '" + listen + "' is not host:port");
  }
  // Without credentials, only this host's own processes may call.
  if (!credentials_.required() && !is_loopback(host_))
    throw std::invalid_argument(settings_.section + ".listen: " + listen + " is not a loopback address, and no credentials are set "
                                "(user and password_env, credentials_file, or token_env)");
  if (settings_.tls_certificate_file.empty()) {
    http_ = std::make_unique<httplib::Server>();
  } else {
    auto tls = std::make_unique<httplib::SSLServer>(settings_.tls_certificate_file.c_str(), settings_.tls_key_file.c_str());
    if (!tls->is_valid())
      throw std::invalid_argument(settings_.section + ": cannot serve TLS with " + settings_.tls_certificate_file + " and " +
                                  settings_.tls_key_file + " (unreadable, not PEM, or the key does not match)");
    http_ = std::move(tls);
  }
  if (credentials_.required())
    http_->set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      if (credentials_.accepts(req.get_header_value("Authorization"))) return httplib::Server::HandlerResponse::Unhandled;
      res.status = 401;
      res.set_header("WWW-Authenticate", "Basic realm=\"cimbus " + realm_ + "\", charset=\"UTF-8\"");
      res.set_content("this service needs HTTP basic credentials or a bearer token\n", "text/plain; charset=utf-8");
      return httplib::Server::HandlerResponse::Handled;
    });
}

HttpListener::~HttpListener() { stop(); }

void HttpListener::start() {
  const std::size_t threads = settings_.max_calls;
  const std::size_t queued = settings_.max_queued_calls;
  http_->new_task_queue = [threads, queued] { return new BoundedTaskQueue(threads, queued); };
  http_->set_payload_max_length(settings_.max_body_bytes);
  http_->set_read_timeout(settings_.read_timeout);
  http_->set_write_timeout(settings_.read_timeout);
  http_->set_keep_alive_timeout(2);
  http_->set_tcp_nodelay(true);  // a response is one write: no waiting for the caller's delayed ACK (40 ms a call)
  if (port_ == 0) {
    port_ = http_->bind_to_any_port(host_);
    if (port_ < 0) throw std::runtime_error(settings_.section + ".listen: cannot listen on " + host_);
  } else if (!http_->bind_to_port(host_, port_)) {
    throw std::runtime_error(settings_.section + ".listen: cannot listen on " + settings_.listen + " (in use, or not an address of this host)");
  }
  thread_ = std::thread([this] { http_->listen_after_bind(); });
}

void HttpListener::stop() {
  if (!thread_.joinable()) return;
  http_->stop();
  thread_.join();
}

std::string HttpListener::base_url() const { return scheme() + "://" + host_ + ":" + std::to_string(port_); }

}  // namespace cimbus::http
