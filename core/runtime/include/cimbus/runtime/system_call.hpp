#pragma once
// A message answered by a system outside the adapter process, through a connector
// (connectors/: SOAP web services, JSON over HTTP). Registered with Adapter::forward().
//
//   adapter.forward("ServiceOrders", Verb::create, [&client](const Envelope& request, Envelope& reply) {
//     Envelope response = client.call(request);       // HTTP, on a call thread
//     copy_result(response, reply);                   // Result, Error, ID, payload
//   });
//
// The runtime prepares `reply` (Result OK, the MessageID and CorrelationID rules) and the call
// fills in the system's answer. What the call does with the outcome:
//   - returns: `reply` is the answer (for an event: the acknowledgement, when one was asked for);
//     a request's answer of Result OK with code 0.3 is an acknowledgement: the system sends the
//     result later, and Adapter::take_result() makes it the reply (IEC 61968-100 8.2);
//   - throws Rejection: the system refused the message; FAILED with its codes, final;
//   - throws anything else: a temporary failure (connection refused, HTTP 5xx, time-out); the
//     message is tried again by redelivery, up to max_attempts, then dead-lettered with the reason.
//
// Threading: calls run on the runtime's call threads (config connector.max_calls of them), several
// at once and outside the store's transaction, so that a slow system holds up only its own
// messages. A SystemCall must be safe to run on several threads at once.

#include <functional>

#include "cimbus/envelope.pb.h"

namespace cimbus::adapter {

using SystemCall = std::function<void(const Envelope& message, Envelope& reply)>;

}  // namespace cimbus::adapter
