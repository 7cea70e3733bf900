#pragma once
// The reading of one SOAP call to a served service, before anything reaches the bus: the SOAP
// version from the headers, the IEC 61968-100 message from the body (validated by the codec), and
// the service's operation from the body's element and the SOAPAction. What cannot be read is a
// SOAP Fault with a FaultMessage as detail (IEC 61968-100 clause 5.3.3). SoapCallHandler answers
// from here; the fuzz harness (tests/fuzz) reads hostile calls through the same code.
//
// Threading: a free function; `codec` is the caller's own.

#include <optional>
#include <string_view>

#include "cimbus/codec/decode_result.hpp"
#include "cimbus/codec/xml_codec.hpp"
#include "cimbus/http/http_answer.hpp"
#include "cimbus/web_services/service_catalog.hpp"
#include "cimbus/web_services/soap_envelope.hpp"

namespace cimbus::web_services {

struct SoapRequest {
  SoapVersion version = SoapVersion::soap11;     // of the answer, too (1.1 when the headers say neither)
  std::optional<http::HttpAnswer> fault;          // set: the call cannot be read; answer this
  DecodeResult decoded;                           // accepted or rejected (schema, header rules) when read
  const Operation* operation = nullptr;           // set when read
};

SoapRequest read_soap_request(const Service& service, std::string_view content_type, std::string_view soap_action,
                              std::string_view body, XmlCodec& codec);

// The HTTP status of a SOAP Fault: SOAP 1.1 answers every fault with 500; SOAP 1.2 tells the
// caller's mistakes (400) from the service's (500).
int fault_status(SoapVersion version, FaultSide side);

}  // namespace cimbus::web_services
