#pragma once
// The outbound side of the web-service binding (IEC 61968-100 clause 5.3.4): the adapter calls the
// typed services (Annex C) of a system connected by web services (config connector.kind
// "web_services"). A request routed to the system becomes a call of
//   create, change, cancel, close, delete  ->  Execute<Noun>             (Create<Noun>, ...)
//   get                                    ->  Get<Noun>                 (Get<Noun>)
//   execute (an OperationSet)              ->  Execute<Noun>OperationSet
// and an event it subscribes to a call of Receive<Noun> (Created<Noun>, ...), each at
// <connector url for the noun>/<ServiceName>, in SOAP 1.1 or 1.2 (connector.soap_version). The
// message keeps its Header, MessageID included, so that the system can tell a retry.
//
// What the system answers becomes the reply on the bus (a SystemCall, system_call.hpp):
//   a response                                  -> its Result, Errors, IDs and payload
//   a SOAP Fault carrying a FaultMessage, or a
//   Client/Sender fault                         -> Rejection: FAILED with its codes (5.3 without)
//   no answer, a time-out, HTTP 5xx without a
//   FaultMessage, a Server/Receiver fault,
//   an answer that cannot be read or that the
//   schemas refuse (under the adapter's policy) -> a temporary failure: tried again, then dead-lettered
//   an acknowledgement (OK, code 0.3)           -> the result comes later to the adapter's Response
//                                                  or Reply<Noun> service (Adapter::take_result);
//                                                  with connector.reply_address, calls carry it as
//                                                  ReplyAddress, with AsyncReplyFlag
//
//   WebServiceClient client(options.config.connector(), registry, options.policy);
//   adapter.forward("ServiceOrders", Verb::create, client.call());
//
// Threading: call() may run on several threads at once.

#include <memory>
#include <set>
#include <string>

#include "cimbus/codec/schema_registry.hpp"
#include "cimbus/codec/validation_policy.hpp"
#include "cimbus/runtime/system_call.hpp"
#include "cimbus/adapter_config.pb.h"

namespace cimbus::web_services {

class WebServiceClient {
 public:
  // Throws std::invalid_argument for a connector setting that is wrong (a URL, credentials).
  WebServiceClient(const config::Connector& connector, std::shared_ptr<SchemaRegistry> registry, ValidationPolicy policy);
  ~WebServiceClient();
  WebServiceClient(const WebServiceClient&) = delete;
  WebServiceClient& operator=(const WebServiceClient&) = delete;

  // Calls the system with `message`, fills `reply` with its answer (see above).
  void call(const Envelope& message, Envelope& reply) const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cimbus::web_services
