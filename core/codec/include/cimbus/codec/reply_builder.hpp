#pragma once
// Builds the messages that answer other messages (IEC 61968-100, request/reply and its CorrelationID rule):
//   reply.Verb          = reply
//   reply.Noun          = request.Noun
//   reply.CorrelationID = request.CorrelationID if present, else request.MessageID
//   reply.MessageID     = a fresh UUID; reply.Timestamp = now
// A typed request (CreateServiceOrders, GetServiceOrdersRequestMessage, ...) gets the typed
// response (ServiceOrdersResponseMessage, GetServiceOrdersResponseMessage, ...) in its namespace.

#include <string>
#include <string_view>

#include "cimbus/codec/decode_result.hpp"
#include "cimbus/codec/diagnostic.hpp"
#include "cimbus/envelope.pb.h"

namespace cimbus {

struct ReplyOptions {
  std::string source;   // Header/Source of the replies, e.g. "OMS"; omitted when empty
  std::string context;  // Header/Context of a reply to a request that gives none (the request's
                        // own is echoed); omitted when empty
};

using Result = msg::ReplyType_Result::Value;

// A ResponseMessage answering `request` with `result` and `errors`.
Envelope make_reply(const Envelope& request, Result result, const Diagnostics& errors = {},
                    const ReplyOptions& options = {});

// A FaultMessage (no Header) carrying `errors`; typed <Noun>FaultMessage when `request` came in a
// typed wrapper.
Envelope make_fault(const Diagnostics& errors, const Envelope* request = nullptr);

// What to send back for a decoded message that was not accepted: a FAILED reply for a rejected
// message, a FaultMessage for unreadable input.
Envelope answer_rejection(const DecodeResult& decoded, const ReplyOptions& options = {});

// The answer `response` gives (its Reply: Result, Errors, IDs; its Payload) into `reply`, a reply
// prepared for the same request on another path (the bus reply to a message a system answered).
void copy_answer(const Envelope& response, Envelope& reply);

// Whether the message's Reply carries an Error with `code`.
bool has_code(const Envelope& message, std::string_view code);
// A reply that more replies follow: a page other than the last (0.1), or an acknowledgement (0.3).
bool is_interim_reply(const Envelope& reply);

// A diagnostic as a 61968-100 Error element (xpath as a QName; the element path in details).
msg::ErrorType to_error(const Diagnostic& diagnostic);

}  // namespace cimbus
