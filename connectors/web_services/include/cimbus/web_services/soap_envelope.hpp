#pragma once
// The SOAP layer of the IEC 61968-100 web-service binding: which SOAP version and operation an
// HTTP call carries, and the envelopes of responses and faults. The 61968-100 message inside is
// the codec's (XmlCodec decodes a SOAP envelope as it is; encode gives the message to wrap here).
//
//   auto call = soap_call_of(content_type_header, soap_action_header);   // nullopt: not SOAP
//   operation_of(call->action);             // "CreateServiceOrders", whatever the year in the URI
//   soap_envelope(call->version, codec.encode(reply));
//   soap_fault(call->version, FaultSide::sender, "not XML", codec.encode(fault_message));
//
// SOAP 1.1: Content-Type text/xml and a SOAPAction header (quoted). SOAP 1.2: Content-Type
// application/soap+xml with an `action` parameter.

#include <optional>
#include <string>
#include <string_view>

namespace cimbus::web_services {

enum class SoapVersion { soap11, soap12 };

inline constexpr std::string_view kSoap11Namespace = "http://schemas.xmlsoap.org/soap/envelope/";
inline constexpr std::string_view kSoap12Namespace = "http://www.w3.org/2003/05/soap-envelope";

// The namespace of the SOAP Envelope in `version`.
constexpr std::string_view soap_namespace(SoapVersion version) {
  return version == SoapVersion::soap11 ? kSoap11Namespace : kSoap12Namespace;
}

struct SoapCall {
  SoapVersion version = SoapVersion::soap11;
  std::string action;  // the SOAPAction URI, unquoted; may be empty
};

// From an HTTP request's Content-Type and SOAPAction headers; nullopt when the content type is
// neither SOAP 1.1's (text/xml) nor SOAP 1.2's (application/soap+xml). A SOAP 1.2 call takes its
// action from the content type's `action` parameter (the SOAPAction header when that is absent).
std::optional<SoapCall> soap_call_of(std::string_view content_type, std::string_view soap_action);

// The operation an action URI names: its last path segment, whatever comes before it (the year
// in http://iec.ch/TC57/<year>/... varies between parts and editions), e.g.
// "http://iec.ch/TC57/2015/ServiceOrders/CreateServiceOrders" -> "CreateServiceOrders",
// "http://iec.ch/61968/Request" -> "Request". Empty for an empty action.
std::string_view operation_of(std::string_view action);

// The Content-Type of a response (or a call) in `version`; SOAP 1.2 names the action in it.
std::string content_type_of(SoapVersion version, std::string_view action = {});

// `message` (one XML element, an XML declaration before it allowed) in a SOAP Envelope's Body.
std::string soap_envelope(SoapVersion version, std::string_view message);

// Who a fault blames: the caller (SOAP 1.1 Client, 1.2 Sender) or the service (Server/Receiver).
enum class FaultSide { sender, receiver };
// A SOAP Fault with `reason` (escaped, hostile bytes replaced) and, when not empty, `detail`
// (one XML element, e.g. the IEC 61968-100 FaultMessage) in its detail.
std::string soap_fault(SoapVersion version, FaultSide side, std::string_view reason, std::string_view detail = {});

// What a SOAP Fault that a called service answered says (web_service_client.hpp), read from its
// text without a parser of its own: the side blamed, the reason, and the element in its detail
// when that is an IEC 61968-100 FaultMessage (…FaultMessage, with its namespace declared on it or
// inherited from the envelope). nullopt when `body` holds no Fault.
struct SoapFault {
  FaultSide side = FaultSide::receiver;
  std::string reason;
  std::string fault_message;  // empty when the detail holds none
};
std::optional<SoapFault> soap_fault_of(std::string_view body);

}  // namespace cimbus::web_services
