#include "soap_call_handler.hpp"

#include "soap_request.hpp"

#include <chrono>
#include <set>
#include <vector>

#include "cimbus/codec/error_code.hpp"
#include "cimbus/codec/message_elements.hpp"
#include "cimbus/codec/reply_builder.hpp"
#include "cimbus/web_services/soap_envelope.hpp"
#include "cimbus/http/http_url.hpp"

namespace cimbus::web_services {

namespace {

using Result = msg::ReplyType_Result;

// Beyond the call's deadline, the time the runtime may take to deliver its 4.1 reply.
constexpr std::chrono::seconds kDeadlineGrace{5};

// EPRI's OperationSet responses carry their results in an OperationSet (an Operation per operation
// that succeeded, with its object), not as a bare payload: the reply's objects are moved there, one
// per succeeded operation of the request, in order. Left as they are when they do not pair up.
void results_as_operation_set(Envelope& reply, const Envelope& request, XmlCodec& codec) {
  if (reply.payload_objects_size() == 0) return;
  std::set<std::int64_t> failed;
  for (const auto& e : reply.message().reply().error())
    if (e.has_operation_id() && e.level() == msg::ErrorType_level::FATAL) failed.insert(e.operation_id());
  std::vector<const msg::OperationType*> succeeded;
  for (const auto& operation : request.message().payload().operation_set().operation())
    if (failed.count(operation.operation_id()) == 0) succeeded.push_back(&operation);
  if (static_cast<int>(succeeded.size()) != reply.payload_objects_size()) return;
  auto* set = reply.mutable_message()->mutable_payload()->mutable_operation_set();
  for (std::size_t i = 0; i < succeeded.size(); ++i) {
    msg::OperationType* o = set->add_operation();
    o->set_operation_id(succeeded[i]->operation_id());
    o->set_noun(succeeded[i]->noun());
    o->set_verb(succeeded[i]->verb());
    o->set_any(codec.encode_object(reply.payload_objects(static_cast<int>(i))));
  }
  reply.clear_payload_objects();
}

}  // namespace

SoapCallHandler::SoapCallHandler(adapter::Adapter& adapter, std::shared_ptr<SchemaRegistry> registry)
    : adapter_(adapter),
      options_(adapter.options().config.web_services()),
      codecs_(CodecOptions{adapter.options().policy, [&] {
                             DecodeLimits limits;
                             limits.max_message_bytes = static_cast<std::size_t>(adapter.options().config.web_services().max_body_bytes());
                             return limits;
                           }()},
              std::move(registry)),
      callbacks_(adapter.log()) {}

http::HttpAnswer SoapCallHandler::handle(const Service& service, std::string_view content_type, std::string_view soap_action,
                                   std::string_view body) {
  auto codec = codecs_.borrow();
  SoapRequest read = read_soap_request(service, content_type, soap_action, body, *codec);
  if (read.fault) return std::move(*read.fault);
  const SoapVersion version = read.version;
  const Operation* op = read.operation;
  DecodeResult& decoded = read.decoded;
  const std::string response_type = content_type_of(version);
  auto fault = [&](FaultSide side, std::string_view code, const std::string& reason, const Envelope* request = nullptr) {
    Envelope message = make_fault({diagnostic(code, reason)}, request);
    return http::HttpAnswer{fault_status(version, side), response_type, soap_fault(version, side, reason, codec->encode(message))};
  };
  auto respond = [&](const Envelope& message) { return http::HttpAnswer{200, response_type, soap_envelope(version, codec->encode(message))}; };

  ReplyOptions reply_options{adapter_.options().config.system()};
  if (decoded.status == DecodeResult::Status::rejected) return respond(answer_rejection(decoded, reply_options));

  Envelope message = std::move(decoded.envelope);
  msg::HeaderType* header = message.mutable_message()->mutable_header();
  // A typed service names its noun; the Header's may be a label ("service order" in EPRI's tests).
  if (!service.noun.empty()) header->set_noun(service.noun);
  auto answer = [&](Result::Value result, const Diagnostics& errors) {
    return respond(make_reply(message, result, errors, reply_options));
  };

  // The response: the typed one of the operation, or the generic ResponseMessage.
  const bool operation_set = op->kind == CallKind::request && op->verb == msg::HeaderType_Verb::execute;
  auto request_operations = std::make_shared<Envelope>();
  if (operation_set) *request_operations->mutable_message()->mutable_payload() = message.message().payload();
  auto as_response = [op, operation_set, request_operations](Envelope reply, XmlCodec& codec) {
    if (operation_set) results_as_operation_set(reply, *request_operations, codec);
    reply.set_archetype(Envelope::RESPONSE_MESSAGE);
    if (op->output.ns == kMessageNamespace) {
      reply.clear_wrapper();
    } else {
      reply.mutable_wrapper()->set_namespace_(op->output.ns);
      reply.mutable_wrapper()->set_name(op->output.name);
    }
    return reply;
  };

  try {
    switch (op->kind) {
      case CallKind::event:
        if (!op->verb && !is_event_verb(header->verb()))
          return answer(Result::FAILED, {diagnostic(code::kInvalidVerb, to_literal(header->verb()) + " is not an event verb")});
        adapter_.publish(message);
        return answer(Result::OK, {});
      case CallKind::response: {
        // The result of a request this adapter forwarded to its system, which acknowledged it.
        const Diagnostics refused = adapter_.take_result(message);
        return refused.empty() ? answer(Result::OK, {}) : answer(Result::FAILED, refused);
      }
      case CallKind::request:
        break;
    }
    if (is_event_verb(header->verb()) || header->verb() == msg::HeaderType_Verb::reply)
      return answer(Result::FAILED, {diagnostic(code::kInvalidVerb, to_literal(header->verb()) + " is not a request verb")});

    const std::chrono::milliseconds deadline(options_.call_timeout_ms());
    const std::string reply_url = header->reply_address();
    const bool asynchronous = header->async_reply_flag() && http::parse_http_url(reply_url).has_value();
    header->clear_async_reply_flag();  // toward the bus the call is synchronous: the adapter waits
    if (asynchronous) {
      if (!http::allowed_callback(options_, reply_url))
        return answer(Result::FAILED, {diagnostic(code::kPolicyViolation,
                                                  "ReplyAddress " + reply_url + " is not one this adapter may call (web_services.reply_urls)")});
      auto pool = &codecs_;
      http::ResultCallback callback;
      callback.url = reply_url;
      callback.content_type = content_type_of(version, kResponseAction);
      if (version == SoapVersion::soap11) callback.headers.emplace_back("SOAPAction", "\"" + std::string(kResponseAction) + "\"");
      callback.render = [pool, as_response, version](const adapter::Replies& replies) {
        auto codec = pool->borrow();
        return soap_envelope(version, codec->encode(as_response(replies.merged(), *codec)));
      };
      callbacks_.add(adapter_.request(message, deadline), std::move(callback));
      return answer(Result::OK, {diagnostic(code::kSimpleAcknowledgment, "Accepted; the result follows at " + reply_url, Level::inform)});
    }
    std::future<adapter::Replies> replies = adapter_.request(message, deadline);
    if (replies.wait_for(deadline + kDeadlineGrace) != std::future_status::ready)
      return answer(Result::FAILED, {diagnostic(code::kTimedOut, "no reply before the call's deadline")});
    return respond(as_response(replies.get().merged(), *codec));
  } catch (const std::exception& e) {
    return fault(FaultSide::receiver, code::kTransactionFailed, std::string("the call could not be passed on: ") + e.what(), &message);
  }
}

}  // namespace cimbus::web_services
