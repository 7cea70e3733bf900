#pragma once
// What an adapter process serves for people and machines (DESIGN.md, "Operating it"), on the
// process's HTTP server (cimbus/http/http_listener.hpp: the web services' server when there is
// one, else one of its own from config `endpoint`):
//
//   GET /health/live     200 while the process runs: {"live":true,"system":...,"instance":...}
//   GET /health/ready    200 or 503: {"ready":false,"checks":[{"name":"broker","ok":false,"detail":...},...]}
//   GET /metrics         the Prometheus text format (Adapter::metrics_text())
//   GET /console         the web console (console_page.hpp): live figures, health, a trace search
//   GET /trace?id=ID     the conversation across this adapter and endpoint.peers (trace.hpp)
//   GET /journal?id=ID   the journal's rows that name ID (MessageID, CorrelationID, mRID, Request
//                        ID) and those that answer them: {"entries":[{"at":...,"direction":"in",...}]}
//   GET /journal/counts  the journal's rows counted: {"counts":[{"instance":...,"direction":"in",
//                        "kind":"request","noun":...,"verb":...,"result":"failed","codes":"2.22",
//                        "n":18},...]}
//   GET /backlog         what the store holds that is not done, across its instances:
//                        {"outbox_rows":0,"inbox_entries":812,"inbox_dead":0,...}
//
//   HttpListener listener(...);
//   OperationsEndpoint endpoint(adapter, listener);  // before any other routes (the web services')
//   listener.start();
//
// Threading: requests are served on the listener's threads; the adapter's methods it calls may be
// called from any thread.

#include <memory>

#include "cimbus/http/http_listener.hpp"
#include "cimbus/runtime/adapter.hpp"

namespace cimbus::operations {

class OperationsEndpoint {
 public:
  // `serves_root`: the server is the endpoint's own, and / leads to the console.
  OperationsEndpoint(adapter::Adapter& adapter, http::HttpListener& listener, bool serves_root = false);
  ~OperationsEndpoint();
  OperationsEndpoint(const OperationsEndpoint&) = delete;
  OperationsEndpoint& operator=(const OperationsEndpoint&) = delete;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cimbus::operations
