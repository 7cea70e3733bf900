#pragma once
// An http(s) URL split into what cpp-httplib's client takes: "scheme://host:port" and the path.

#include <optional>
#include <string>
#include <string_view>

namespace cimbus::http {

struct HttpUrl {
  std::string origin;  // "http://127.0.0.1:8080"
  std::string path;    // "/replies/oms" ("/" when the URL has none)
};

// nullopt unless `url` is http:// or https:// followed by a host.
inline std::optional<HttpUrl> parse_http_url(std::string_view url) {
  std::size_t scheme = 0;
  if (url.rfind("http://", 0) == 0) scheme = 7;
  else if (url.rfind("https://", 0) == 0) scheme = 8;
  else return std::nullopt;
  const std::size_t slash = url.find('/', scheme);
  HttpUrl out{std::string(url.substr(0, slash)), slash == std::string_view::npos ? "/" : std::string(url.substr(slash))};
  if (out.origin.size() == scheme) return std::nullopt;
  return out;
}

}  // namespace cimbus::http
