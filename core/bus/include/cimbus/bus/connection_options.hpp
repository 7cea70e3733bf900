#pragma once
// How a Bus reaches its broker: the URLs to try in turn, the SASL login, TLS, and how to
// reconnect. Plain data, so that it can come from a configuration file.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cimbus::bus {

struct ReconnectOptions {
  std::chrono::milliseconds first_delay{200};
  std::chrono::milliseconds max_delay{10000};
  double multiplier = 2.0;
  int max_attempts = 0;  // 0: keep trying; a Bus never gives up on a broker restart by default
};

// What a client checks of the broker's certificate.
enum class TlsVerify {
  name,   // signed by a trusted CA, and issued for the host of the URL (the default)
  chain,  // signed by a trusted CA, for any host
  none,   // nothing: anyone in the path can read the traffic; said at every start (security_warnings)
};
std::optional<TlsVerify> parse_tls_verify(std::string_view text);  // "name", "chain", "none"

struct TlsOptions {
  bool enabled = false;            // also implied by an amqps:// URL
  std::string ca_file;             // trusted CAs (PEM); empty: the system's
  std::string certificate_file;    // client certificate (PEM), e.g. for SASL EXTERNAL; optional
  std::string key_file;            // its private key (mode 0600 or stricter)
  TlsVerify verify = TlsVerify::name;
};

struct ConnectionOptions {
  // amqp://host:port or amqps://host:port; user and password may be in the URL
  // (amqp://user:password@host:port). The first is tried first; the others on failover.
  std::vector<std::string> urls;
  std::string user;
  std::string password;
  // PLAIN only by default: Proton would otherwise pick ANONYMOUS and ignore the password
  // (RabbitMQ's AMQP 1.0 plugin offers PLAIN and ANONYMOUS). EXTERNAL: mutual TLS, the client
  // certificate names the user. PLAIN over a connection without TLS must be allowed explicitly
  // (check_security refuses it otherwise).
  std::string sasl_mechanisms = "PLAIN";
  bool allow_plain_without_tls = false;
  TlsOptions tls;
  ReconnectOptions reconnect;
  std::string container_id;          // empty: a fresh UUID
  // The AMQP open's hostname, which selects the broker's virtual host (BrokerProfile::virtual_host;
  // RabbitMQ: "vhost:NAME"); empty: the host of the URL, the broker's default virtual host.
  std::string virtual_host;
  std::chrono::milliseconds idle_timeout{30000};
};

// A list of broker URLs written as one string, separated by commas (CIMBUS_BROKER_URL, what
// `scripts/broker start --cluster` prints): the URLs in order, empty ones left out.
std::vector<std::string> split_urls(const std::string& list);

// Moves a login written in the URLs (amqp://user:password@host:port, as scripts/broker prints it)
// into user and password, where those are still empty, and turns TLS on for amqps:// URLs.
void take_login_from_urls(ConnectionOptions& options);

// True when `url` carries a password (amqp://user:password@host); `url` without it, for a message:
// amqp://user:***@host.
bool url_has_password(const std::string& url);
std::string url_without_password(const std::string& url);

// Throws std::invalid_argument naming what is unsafe or cannot work: PLAIN over a connection
// without TLS not allowed, EXTERNAL without TLS or a client certificate, a certificate without its
// key, a key file that others may read, a file that cannot be read. Call after take_login_from_urls.
void check_security(const ConnectionOptions& options);
// What a connection allowed to be unsafe should say when it starts (none when it is safe).
std::vector<std::string> security_warnings(const ConnectionOptions& options);

}  // namespace cimbus::bus
