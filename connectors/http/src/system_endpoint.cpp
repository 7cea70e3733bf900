#include "cimbus/http/system_endpoint.hpp"

#include <cstdlib>

#include <httplib.h>

#include "cimbus/http/http_url.hpp"

namespace cimbus::http {

namespace {

std::string from_env(const std::string& variable, const char* field) {
  if (variable.empty()) return {};
  const char* value = std::getenv(variable.c_str());
  if (value == nullptr || *value == '\0') throw std::invalid_argument(std::string("connector.") + field + ": the variable " + variable + " is not set");
  return value;
}

std::string without_trailing_slash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

}  // namespace

SystemEndpoint::SystemEndpoint(const config::Connector& connector)
    : connector_(connector), password_(from_env(connector.password_env(), "password_env")), token_(from_env(connector.token_env(), "token_env")) {
  auto check = [](const std::string& url, const std::string& field) {
    if (!url.empty() && !parse_http_url(url)) throw std::invalid_argument(field + ": '" + url + "' is not an http:// or https:// URL");
  };
  check(connector_.url(), "connector.url");
  for (const auto& [noun, url] : connector_.urls()) check(url, "connector.urls." + noun);
}

std::string SystemEndpoint::url_for(const std::string& noun) const {
  auto it = connector_.urls().find(noun);
  if (it != connector_.urls().end()) return without_trailing_slash(it->second);
  if (connector_.url().empty()) throw std::invalid_argument("connector: no URL for " + noun + " (connector.url or connector.urls." + noun + ")");
  return without_trailing_slash(connector_.url());
}

HttpResponse SystemEndpoint::post(const std::string& url, const std::string& body, const std::string& content_type, const Headers& headers) const {
  const auto parts = parse_http_url(url);
  if (!parts) throw std::invalid_argument("not an http(s) URL: " + url);
  httplib::Client client(parts->origin);
  client.set_tcp_nodelay(true);
  const auto timeout = std::chrono::milliseconds(connector_.timeout_ms());
  client.set_connection_timeout(timeout);
  client.set_read_timeout(timeout);
  client.set_write_timeout(timeout);
  if (!connector_.ca_file().empty()) client.set_ca_cert_path(connector_.ca_file().c_str());
  client.enable_server_certificate_verification(true);
  if (!connector_.user().empty()) client.set_basic_auth(connector_.user(), password_);
  if (!token_.empty()) client.set_bearer_token_auth(token_);
  httplib::Headers h;
  for (const auto& [name, value] : headers) h.emplace(name, value);
  auto result = client.Post(parts->path, h, body, content_type);
  if (!result) throw NoAnswer("no answer from " + url + ": " + httplib::to_string(result.error()));
  return {result->status, result->get_header_value("Content-Type"), std::move(result->body)};
}

}  // namespace cimbus::http
