#pragma once
// Results that a system outside the process sends later (IEC 61968-100 8.2). A request forwarded
// to it (Adapter::forward) may be answered with an acknowledgement, Result OK and code 0.3; the
// system then sends the result to the adapter (its Response or Reply<Noun> service, or the JSON
// API's /results), with the CorrelationID of clause 6.9: the request's CorrelationID, else its
// MessageID.
//
//   acknowledged (complete())    -> the request's delivery is settled; its prepared reply and
//                                   where it goes are kept in the store (acknowledged_calls.hpp)
//   a result (take())            -> it becomes the reply, sent where the request's reply goes and
//                                   kept in the inbox for a replay; a page with 0.1 is passed on
//                                   and the request stays open
//   no result by the deadline    -> FAILED 4.1 to the requester (connector.result_timeout_ms)
//
// Threading: the worker thread's own.

#include <cstdint>
#include <optional>
#include <string>

#include "cimbus/bus/reply_correlation.hpp"
#include "cimbus/codec/diagnostic.hpp"
#include "cimbus/codec/xml_codec.hpp"
#include "cimbus/runtime/adapter_options.hpp"
#include "cimbus/store/store.hpp"
#include "outbox_pump.hpp"
#include "runtime_log.hpp"

namespace cimbus::adapter::detail {

class SystemResults {
 public:
  SystemResults(const AdapterOptions& options, XmlCodec& codec, store::Store& store, OutboxPump& outbox, RuntimeLog& log);

  // The system acknowledged the request `message_id` (`request`); `reply` (its answer in the reply
  // prepared for it: the Header is kept, the acknowledgement dropped) goes to `reply_target` when
  // the result comes, correlated on the transport with `correlation`.
  void await(store::Transaction& tx, const std::string& message_id, const Envelope& request, const std::string& reply_target, Envelope reply,
             const bus::TransportCorrelation& correlation);
  // A result from the system. Returns why it is refused (2.15: no request awaits it; 1.5: it has no
  // CorrelationID); empty when taken.
  Diagnostics take(store::Transaction& tx, const Envelope& result);
  // Requests whose result did not come in time get FAILED 4.1.
  void expire();

 private:
  void answer(store::Transaction& tx, const store::AcknowledgedCalls::Entry& call, const Envelope& reply, bool final);

  const AdapterOptions& options_;
  XmlCodec& codec_;
  store::Store& store_;
  OutboxPump& outbox_;
  RuntimeLog& log_;
  std::optional<std::int64_t> next_deadline_;  // cached: expire() reads the store only when one passed
};

}  // namespace cimbus::adapter::detail
