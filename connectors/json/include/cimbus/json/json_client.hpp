#pragma once
// The json connector (config connector.kind "json"; IEC 61968-100 clause 5.3.5, a system whose
// interface is not IEC 61968): each message routed to the system is POSTed in its JSON form
// (json_message.hpp) to <connector url for the noun>/<Noun>/<verb>, e.g. .../ServiceOrders/create
// or .../Incidents/closed, with the header Idempotency-Key: <MessageID> so that the system can
// tell a retry from a new call.
//
//   2xx, a JSON body                -> OK, the body is the reply payload (the noun's, e.g.
//                                      {"ServiceOrder": [...]}); an empty body or {} carries none
//   4xx, {"code","reason"} (one, a
//   list, or {"errors": [...]})     -> Rejection: FAILED with those codes (5.3 without any)
//   5xx, no answer, a time-out      -> a temporary failure: tried again, then dead-lettered
//   202 to a request                -> accepted, the result follows: the system POSTs it later to
//                                      the adapter's /results/<Noun> (json_api.hpp)
//
// OperationSets (execute) are not sent: a JSON system takes their operations one by one.
//
// Threading: call() may run on several threads at once.

#include <memory>

#include "cimbus/adapter_config.pb.h"
#include "cimbus/codec/schema_registry.hpp"
#include "cimbus/envelope.pb.h"

namespace cimbus::json {

class JsonClient {
 public:
  // Throws std::invalid_argument for a connector setting that is wrong (a URL, credentials).
  JsonClient(const config::Connector& connector, std::shared_ptr<SchemaRegistry> registry);
  ~JsonClient();
  JsonClient(const JsonClient&) = delete;
  JsonClient& operator=(const JsonClient&) = delete;

  // A SystemCall (cimbus/runtime/system_call.hpp): calls the system, fills `reply`.
  void call(const Envelope& message, Envelope& reply) const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cimbus::json
