// The SOAP side of the web-service connector: a call to a served service as its HTTP request
// arrives (Content-Type, SOAPAction, body), read by the same code the server runs
// (soap_request.hpp) against the generic service and one typed service; and the body read as a
// called system's answer (soap_fault_of), as the client reads it.
//
// Input: "content type\nSOAPAction\nbody".

#include "cimbus/codec/xml_codec.hpp"
#include "cimbus/web_services/service_catalog.hpp"
#include "cimbus/web_services/soap_envelope.hpp"
#include "fuzz_input.hpp"
#include "soap_request.hpp"

using namespace cimbus::web_services;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static cimbus::XmlCodec codec;
  static const ServiceCatalog catalog(*cimbus::SchemaRegistry::builtin());
  const auto call = cimbus::fuzz::split_lines(cimbus::fuzz::bytes_of(data, size), 2);
  const auto& services = catalog.services();
  const Service& typed = services[size % services.size()];
  const Service& generic = *catalog.find(ServiceCatalog::kGeneric);
  for (const Service* service : {&generic, &typed}) {
    const SoapRequest read = read_soap_request(*service, call.lines[0], call.lines[1], call.rest, codec);
    if (!read.fault && read.operation == nullptr) cimbus::fuzz::finding("a call read without its operation and without a fault");
    if (read.fault && read.fault->body.empty()) cimbus::fuzz::finding("a fault without a body");
  }
  if (const auto fault = soap_fault_of(call.rest)) soap_fault(SoapVersion::soap12, fault->side, fault->reason, fault->fault_message);
  return 0;
}
