#include "cimbus/codec/reply_builder.hpp"

#include "cimbus/codec/error_code.hpp"
#include "cimbus/codec/timestamp.hpp"
#include "cimbus/codec/uuid.hpp"
#include "cimbus/codec/wrapper_name.hpp"
#include "xml_escape.hpp"

namespace cimbus {

namespace {

// The typed response or fault wrapper that answers a typed request; none for generic ones.
void answer_wrapper(const Envelope& request, Envelope::Archetype archetype, Envelope& answer) {
  if (!request.has_wrapper()) return;
  auto wrapper = WrapperName::parse(request.wrapper().name());
  if (!wrapper) return;
  answer.mutable_wrapper()->set_namespace_(request.wrapper().namespace_());
  answer.mutable_wrapper()->set_name(WrapperName::element_name(archetype, wrapper->form, wrapper->noun, std::nullopt));
}

}  // namespace

msg::ErrorType to_error(const Diagnostic& d) {
  msg::ErrorType e;
  e.set_code(d.code);
  switch (d.level) {
    case Level::inform: e.set_level(msg::ErrorType_level::INFORM); break;
    case Level::warning: e.set_level(msg::ErrorType_level::WARNING); break;
    case Level::fatal: e.set_level(msg::ErrorType_level::FATAL); break;
    case Level::catastrophic: e.set_level(msg::ErrorType_level::CATASTROPHIC); break;
  }
  // Reasons and details may quote the offending input: keep them XML-safe.
  if (!d.reason.empty()) e.set_reason(detail::xml_safe(d.reason));
  std::string details = d.path.empty() ? std::string() : "at " + d.path;
  if (d.line > 0) details += (details.empty() ? "" : " ") + std::string("(line ") + std::to_string(d.line) + ", column " + std::to_string(d.column) + ")";
  if (!d.detail.empty()) details += (details.empty() ? "" : ": ") + d.detail;
  if (!details.empty()) e.set_details(detail::xml_safe(details));
  // Error/xpath is an xs:QName, not an XPath: the element's qualified name (Clark form here).
  if (!d.element_name.empty() && detail::is_xml_text(d.element_name)) e.set_xpath("{" + d.element_namespace + "}" + d.element_name);
  if (d.operation_id) e.set_operation_id(*d.operation_id);
  return e;
}

Envelope make_reply(const Envelope& request, Result result, const Diagnostics& errors, const ReplyOptions& options) {
  Envelope reply;
  reply.set_archetype(Envelope::RESPONSE_MESSAGE);
  answer_wrapper(request, Envelope::RESPONSE_MESSAGE, reply);
  const msg::HeaderType& in = request.message().header();
  msg::HeaderType* out = reply.mutable_message()->mutable_header();
  out->set_verb(msg::HeaderType_Verb::reply);
  out->set_noun(in.noun());
  out->set_timestamp(now_timestamp());
  if (!options.source.empty()) out->set_source(options.source);
  if (!in.context().empty()) out->set_context(in.context());
  else if (!options.context.empty()) out->set_context(options.context);
  out->set_message_id(new_uuid());
  if (!in.correlation_id().empty()) out->set_correlation_id(in.correlation_id());
  else if (!in.message_id().empty()) out->set_correlation_id(in.message_id());
  msg::ReplyType* r = reply.mutable_message()->mutable_reply();
  r->set_result(result);
  for (const Diagnostic& d : errors) *r->add_error() = to_error(d);
  return reply;
}

bool has_code(const Envelope& message, std::string_view code) {
  for (const auto& e : message.message().reply().error())
    if (e.code() == code) return true;
  return false;
}

bool is_interim_reply(const Envelope& reply) {
  return has_code(reply, code::kPartialMoreFollows) || has_code(reply, code::kSimpleAcknowledgment);
}

void copy_answer(const Envelope& response, Envelope& reply) {
  *reply.mutable_message()->mutable_reply() = response.message().reply();
  if (response.message().has_payload()) *reply.mutable_message()->mutable_payload() = response.message().payload();
  *reply.mutable_payload_objects() = response.payload_objects();
}

Envelope make_fault(const Diagnostics& errors, const Envelope* request) {
  Envelope fault;
  fault.set_archetype(Envelope::FAULT_MESSAGE);
  if (request != nullptr) answer_wrapper(*request, Envelope::FAULT_MESSAGE, fault);
  msg::ReplyType* r = fault.mutable_message()->mutable_reply();
  r->set_result(msg::ReplyType_Result::FAILED);
  for (const Diagnostic& d : errors) *r->add_error() = to_error(d);
  return fault;
}

Envelope answer_rejection(const DecodeResult& decoded, const ReplyOptions& options) {
  bool has_header = decoded.envelope.message().has_header() && decoded.envelope.archetype() != Envelope::FAULT_MESSAGE;
  if (decoded.status == DecodeResult::Status::rejected && has_header)
    return make_reply(decoded.envelope, msg::ReplyType_Result::FAILED, decoded.diagnostics, options);
  return make_fault(decoded.diagnostics, &decoded.envelope);
}

}  // namespace cimbus
