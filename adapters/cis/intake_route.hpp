#pragma once
// The reference CIS's front door for its users' input (reference_cis.hpp's intake tables), over
// HTTP so that whoever plays the call centre (the storm) needs no access to the CIS's file:
//
//   POST /reference/intake
//   {"calls": [{"id": 1, "customer": "…", "cancel_after_ms": 0}, …],
//    "service_needs": [{"id": 1, "noun": "ServiceOrders", "customer": "…", "kind": "connect",
//                       "cancel_after_ms": 0}, …]}
//
// Every row of one request is written in one transaction, stamped with the time it was taken.
// The id is the caller's: a row sent again (its answer was lost) is taken once. Answers 200
// {"calls": N, "service_needs": M} (the rows new to the CIS), 400 for what is not such a
// document, 503 with the store's words when the store refuses the write (a full disk): the
// caller keeps its rows and sends them again.
//
// Threading: requests are answered on the listener's threads, each with a connection of its own.

#include <string>

#include "cimbus/http/http_listener.hpp"

namespace cimbus::cis {

// Adds POST /reference/intake, before listener.start().
void serve_intake(http::HttpListener& listener, const std::string& store_path);

}  // namespace cimbus::cis
