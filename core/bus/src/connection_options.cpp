#include "cimbus/bus/connection_options.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <stdexcept>

namespace cimbus::bus {

namespace {

// Where the login of `url` is (user[:password], before the host's '@'): [begin, at), or npos when
// it carries none. The host part ends at the first '/'; a password may itself hold an '@'.
std::pair<std::size_t, std::size_t> login_in(const std::string& url) {
  constexpr auto none = std::make_pair(std::string::npos, std::string::npos);
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) return none;
  const std::size_t begin = scheme + 3;
  const auto at = url.substr(begin, url.find('/', begin) - begin).rfind('@');
  return at == std::string::npos ? none : std::make_pair(begin, begin + at);
}

// Where the password of `url` is: [begin, end), or npos when it carries none.
std::pair<std::size_t, std::size_t> password_in(const std::string& url) {
  const auto [begin, at] = login_in(url);
  const auto colon = begin == std::string::npos ? std::string::npos : url.find(':', begin);
  if (colon == std::string::npos || colon > at) return {std::string::npos, std::string::npos};
  return {colon + 1, at};
}

}  // namespace

std::vector<std::string> split_urls(const std::string& list) {
  std::vector<std::string> urls;
  std::size_t begin = 0;
  while (begin <= list.size()) {
    const std::size_t comma = std::min(list.find(',', begin), list.size());
    if (comma > begin) urls.push_back(list.substr(begin, comma - begin));
    begin = comma + 1;
  }
  return urls;
}

void take_login_from_urls(ConnectionOptions& options) {
  for (std::string& url : options.urls) {
    const auto [begin, at] = login_in(url);
    if (begin == std::string::npos) continue;
    const std::string login = url.substr(begin, at - begin);
    const auto colon = login.find(':');
    if (options.user.empty()) options.user = login.substr(0, colon);
    if (options.password.empty() && colon != std::string::npos) options.password = login.substr(colon + 1);
    url.erase(begin, at + 1 - begin);
  }
  if (!options.urls.empty() && options.urls.front().rfind("amqps://", 0) == 0) options.tls.enabled = true;
}

bool url_has_password(const std::string& url) { return password_in(url).first != std::string::npos; }

std::string url_without_password(const std::string& url) {
  const auto [begin, end] = password_in(url);
  return begin == std::string::npos ? url : url.substr(0, begin) + "***" + url.substr(end);
}

std::optional<TlsVerify> parse_tls_verify(std::string_view text) {
  if (text == "name") return TlsVerify::name;
  if (text == "chain") return TlsVerify::chain;
  if (text == "none") return TlsVerify::none;
  return std::nullopt;
}

namespace {

bool uses_tls(const ConnectionOptions& o) {
  if (o.tls.enabled) return true;
  for (const std::string& url : o.urls)
    if (url.rfind("amqps://", 0) == 0) return true;
  return false;
}

bool offers(const ConnectionOptions& o, std::string_view mechanism) { return o.sasl_mechanisms.find(mechanism) != std::string::npos; }

void readable(const std::string& path, const std::string& what) {
  if (!path.empty() && !std::ifstream(path)) throw std::invalid_argument(what + " " + path + " cannot be read");
}

// The host of an amqp[s]:// URL (the login already taken out), when it is an IP address.
bool host_is_an_address(const std::string& url) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) return false;
  const std::string host = url.substr(scheme + 3, url.find_first_of(":/", scheme + 3) - scheme - 3);
  if (url.compare(scheme + 3, 1, "[") == 0) return true;  // [::1]
  return !host.empty() && host.find_first_not_of("0123456789.") == std::string::npos;
}

}  // namespace

void check_security(const ConnectionOptions& o) {
  const bool tls = uses_tls(o);
  for (const std::string& url : o.urls)
    if (tls && url.rfind("amqp://", 0) == 0)
      throw std::invalid_argument("the broker URLs mix amqps:// and amqp:// (" + url + "): a failover would drop TLS");
  // Qpid Proton matches the certificate's DNS names only: an IP address would never verify.
  for (const std::string& url : o.urls)
    if (tls && o.tls.verify == TlsVerify::name && host_is_an_address(url))
      throw std::invalid_argument(url + ": the broker's certificate is checked against a host name, not an IP address; use the name it "
                                  "was issued for (scripts/broker: localhost), or tls_verify chain");
  if (!tls && offers(o, "PLAIN") && !o.allow_plain_without_tls)
    throw std::invalid_argument("SASL PLAIN over amqp:// would send the password in clear: use amqps:// (TLS), "
                                "or allow it explicitly for a broker on this machine (allow_plain_without_tls)");
  if (offers(o, "EXTERNAL") && (!tls || o.tls.certificate_file.empty()))
    throw std::invalid_argument("SASL EXTERNAL needs TLS with a client certificate (amqps://, a certificate and its key)");
  if (o.tls.certificate_file.empty() != o.tls.key_file.empty())
    throw std::invalid_argument("a client certificate and its key go together");
  readable(o.tls.ca_file, "the CA file");
  readable(o.tls.certificate_file, "the certificate file");
  readable(o.tls.key_file, "the key file");
  struct stat key {};
  if (!o.tls.key_file.empty() && ::stat(o.tls.key_file.c_str(), &key) == 0 && (key.st_mode & 0077) != 0)
    throw std::invalid_argument("the key file " + o.tls.key_file + " may be read by others (mode 0" +
                                std::to_string((key.st_mode >> 6) & 7) + std::to_string((key.st_mode >> 3) & 7) +
                                std::to_string(key.st_mode & 7) + "): chmod 600 it");
}

std::vector<std::string> security_warnings(const ConnectionOptions& o) {
  std::vector<std::string> out;
  const bool tls = uses_tls(o);
  if (!tls && offers(o, "PLAIN"))
    out.push_back("the broker connection is not encrypted and SASL PLAIN sends the password in clear (allowed by allow_plain_without_tls)");
  if (tls && o.tls.verify == TlsVerify::none)
    out.push_back("the broker's TLS certificate is not checked (tls_verify none): anyone in the path can read and change the traffic");
  return out;
}

}  // namespace cimbus::bus
