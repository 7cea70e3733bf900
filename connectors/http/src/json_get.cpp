#include "cimbus/http/json_get.hpp"

#include <stdexcept>

#include <google/protobuf/util/json_util.h>
#include <httplib.h>

#include "cimbus/http/http_url.hpp"

namespace cimbus::http {

google::protobuf::Struct get_json(const std::string& url, std::chrono::seconds read_timeout, const std::string& bearer_token) {
  const auto parts = parse_http_url(url);
  if (!parts) throw std::invalid_argument(url + ": not an http(s) URL");
  httplib::Client client(parts->origin);
  client.set_connection_timeout(std::chrono::seconds(5));
  client.set_read_timeout(read_timeout);
  if (!bearer_token.empty()) client.set_bearer_token_auth(bearer_token);
  auto got = client.Get(parts->path);
  if (!got) throw std::runtime_error(url + ": no answer (" + httplib::to_string(got.error()) + ")");
  if (got->status != 200) throw std::runtime_error(url + ": HTTP " + std::to_string(got->status) + ": " + got->body);
  google::protobuf::Struct body;
  if (!google::protobuf::util::JsonStringToMessage(got->body, &body).ok()) throw std::runtime_error(url + ": not a JSON object");
  return body;
}

}  // namespace cimbus::http
