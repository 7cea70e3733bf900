#include "soap_request.hpp"

#include <string>

#include "cimbus/codec/error_code.hpp"
#include "cimbus/codec/message_elements.hpp"
#include "cimbus/codec/reply_builder.hpp"

namespace cimbus::web_services {

namespace {

// The element a decoded message came in: its typed wrapper, or one of Message.xsd's own.
QualifiedName body_element(const Envelope& e) {
  if (e.has_wrapper()) return {e.wrapper().namespace_(), e.wrapper().name()};
  return {std::string(kMessageNamespace), std::string(element_of(e.archetype()))};
}

}  // namespace

int fault_status(SoapVersion version, FaultSide side) {
  return version == SoapVersion::soap12 && side == FaultSide::sender ? 400 : 500;
}

SoapRequest read_soap_request(const Service& service, std::string_view content_type, std::string_view soap_action,
                              std::string_view body, XmlCodec& codec) {
  SoapRequest r;
  const auto call = soap_call_of(content_type, soap_action);
  if (call) r.version = call->version;
  const std::string response_type = content_type_of(r.version);
  auto fault = [&](std::string_view code, const std::string& reason, const Envelope* request = nullptr) {
    Envelope message = make_fault({diagnostic(code, reason)}, request);
    r.fault = http::HttpAnswer{fault_status(r.version, FaultSide::sender), response_type,
                               soap_fault(r.version, FaultSide::sender, reason, codec.encode(message))};
    return std::move(r);
  };

  if (!call)
    return fault(code::kSchemaInvalid,
                 "Content-Type '" + std::string(content_type) + "' is neither text/xml (SOAP 1.1) nor application/soap+xml (SOAP 1.2)");

  r.decoded = codec.decode(body);
  if (r.decoded.status == DecodeResult::Status::unreadable) {
    const std::string reason = r.decoded.diagnostics.empty() ? "the call holds no IEC 61968-100 message" : r.decoded.diagnostics.front().reason;
    Envelope message = answer_rejection(r.decoded);
    r.fault = http::HttpAnswer{fault_status(r.version, FaultSide::sender), response_type,
                               soap_fault(r.version, FaultSide::sender, reason, codec.encode(message))};
    return r;
  }
  if (r.decoded.soap_namespace.empty()) return fault(code::kSchemaInvalid, "the call's body is not a SOAP Envelope");
  if (r.decoded.soap_namespace != soap_namespace(r.version))
    return fault(code::kSchemaInvalid, "a SOAP Envelope in " + r.decoded.soap_namespace + " sent with the Content-Type of " +
                                           (r.version == SoapVersion::soap11 ? "SOAP 1.1" : "SOAP 1.2"));

  const QualifiedName element = body_element(r.decoded.envelope);
  const Operation* op = service.operation_for_input(element.ns, element.name);
  if (op == nullptr)
    return fault(code::kInvalidVerb, service.name + " has no operation taking {" + element.ns + "}" + element.name, &r.decoded.envelope);
  const std::string_view named = operation_of(call->action);
  if (!named.empty() && named != op->name)
    return fault(code::kInvalidVerb,
                 "the SOAPAction names " + std::string(named) + " but the body is " + element.name + " (" + op->name + ")",
                 &r.decoded.envelope);
  r.operation = op;
  return r;
}

}  // namespace cimbus::web_services
