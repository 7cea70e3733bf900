#pragma once
// What an adapter has done since it started (Adapter::stats()).

#include <cstdint>

namespace cimbus::adapter {

struct AdapterStats {
  std::uint64_t handled = 0;      // messages whose handler committed (requests, events, replies)
  std::uint64_t failed = 0;       // answered FAILED or Fault: invalid input, Rejection, no handler
  std::uint64_t duplicates = 0;   // deliveries of a MessageID already handled, not executed again
  std::uint64_t retried = 0;      // deliveries released after a handler error, to be tried again
  std::uint64_t dead = 0;         // messages given up and put in the dead-letter queue
  std::uint64_t sent = 0;         // outbox rows the broker accepted
  std::uint64_t timed_out = 0;    // requests this adapter sent that got no reply in time (4.1)
  std::uint64_t late_replies = 0; // replies to nothing awaited (after a timeout, or unknown)
  std::uint64_t misdirected = 0;  // requests refused for a ReplyAddress or reply-to that is no reply destination
  std::uint64_t foreign_context = 0;  // requests and events of another Context than the adapter's, refused
  std::uint64_t security_refusals = 0;  // requests and events refused by the message-level checks (authorisation, ReplayDetection)
  std::uint64_t refused = 0;      // outbox messages the broker would not take (a missing queue, a refused
                                  // address, a rejection), moved to the dead-letter queue
  std::uint64_t unrouted = 0;     // messages the broker routed nowhere (cim.unrouted), reported: requests
                                  // moved to the dead-letter queue, events not kept (decisions/0020)
  int connections_opened = 0;     // 1 after the first connect; more after broker restarts
};

}  // namespace cimbus::adapter
