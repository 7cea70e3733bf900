#include "cimbus/bus/connection_event.hpp"

namespace cimbus::bus {

namespace {

bool has(const std::string& text, const char* part) { return text.find(part) != std::string::npos; }

std::string seconds(std::chrono::milliseconds d) {
  const long tenths = static_cast<long>(d.count() / 100);
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " s";
}

}  // namespace

ConnectionEvent::Kind classify_connection_failure(const std::string& d) {
  if (has(d, "unauthorized-access") || has(d, "Authentication failed") || has(d, "authentication failed") || has(d, "sasl") ||
      has(d, "SASL"))
    return ConnectionEvent::Kind::login_refused;
  if (has(d, "Connection refused") || has(d, "No route to host") || has(d, "Name or service not known") || has(d, "Network is unreachable") ||
      has(d, "Temporary failure in name resolution") || has(d, "Connection timed out") || has(d, "No address associated"))
    return ConnectionEvent::Kind::unreachable;
  if (has(d, "SSL") || has(d, "TLS") || has(d, "certificate") || has(d, "handshake") || has(d, "\\x15\\x03"))
    return ConnectionEvent::Kind::tls_failed;
  return ConnectionEvent::Kind::failed;
}

const char* to_string(ConnectionEvent::Kind kind) {
  switch (kind) {
    case ConnectionEvent::Kind::connected: return "connected";
    case ConnectionEvent::Kind::lost: return "lost";
    case ConnectionEvent::Kind::login_refused: return "login_refused";
    case ConnectionEvent::Kind::unreachable: return "unreachable";
    case ConnectionEvent::Kind::tls_failed: return "tls_failed";
    case ConnectionEvent::Kind::failed: return "failed";
  }
  return "failed";
}

std::string describe(const ConnectionEvent& e) {
  switch (e.kind) {
    case ConnectionEvent::Kind::connected:
      if (e.connection <= 1) return "connected to the broker at " + e.url;
      return "connected to the broker at " + e.url + " again, after " + seconds(e.down_for) + " without it (connection " +
             std::to_string(e.connection) + ")";
    case ConnectionEvent::Kind::lost:
      return "lost the broker connection at " + e.url + (e.detail.empty() ? std::string() : ": " + e.detail) + "; reconnecting";
    case ConnectionEvent::Kind::login_refused:
      return "the broker at " + e.url + " refused the login: " + e.detail +
             " (is the user right, and its password or certificate? the broker's users are made by cimbus topology)";
    case ConnectionEvent::Kind::unreachable:
      return "cannot reach the broker at " + e.url + ": " + e.detail + " (is it running, and are the host and port right?)";
    case ConnectionEvent::Kind::tls_failed:
      return "TLS with the broker at " + e.url + " failed: " + e.detail;
    case ConnectionEvent::Kind::failed:
      return "cannot connect to the broker at " + e.url + ": " + e.detail;
  }
  return e.detail;
}

}  // namespace cimbus::bus
