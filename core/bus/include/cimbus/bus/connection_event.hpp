#pragma once
// What happens to a Bus's connection, as it happens (BusOptions::on_connection): connected,
// lost, or an attempt that failed, and why, in words a person can act on.
//
//   connected       the connection opened (attempt 1), or again after a loss (down_for says how long)
//   lost            an open connection went away (the broker stopped, the network, a forced close)
//   login_refused   the broker refused the user or password (or certificate's user)
//   unreachable     nothing answers at the URL's host and port (refused, no route, unknown host)
//   tls_failed      the TLS handshake failed (certificate not trusted, wrong host name, TLS vs plain)
//   failed          any other failure of an attempt, with the broker's or the system's words
//
// Each is reported once when it happens; a failure that repeats at every retry is the same event
// again, for the receiver to decide whether to say it again.

#include <chrono>
#include <string>

namespace cimbus::bus {

struct ConnectionEvent {
  enum class Kind { connected, lost, login_refused, unreachable, tls_failed, failed };
  Kind kind = Kind::failed;
  std::string url;     // without a password
  std::string detail;  // the broker's or the system's words, with a hint where the cause is known
  int connection = 0;  // connected: 1 for the first connection, more after losses
  std::chrono::milliseconds down_for{0};  // connected again: since the loss
};

// The kind of a failed attempt, from the words Proton gives (transport or connection error).
ConnectionEvent::Kind classify_connection_failure(const std::string& detail);

// One line for a log or an error message, e.g.
//   "cannot reach the broker at amqp://127.0.0.1:5673: Connection refused (is it running, and is the port right?)"
std::string describe(const ConnectionEvent& event);

// The kind's name: connected, lost, login_refused, unreachable, tls_failed, failed.
const char* to_string(ConnectionEvent::Kind kind);

}  // namespace cimbus::bus
