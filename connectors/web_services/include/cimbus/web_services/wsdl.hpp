#pragma once
// The WSDL 1.1 of a served service (document/literal wrapped, as IEC 61968-100 Annex C and D and
// EPRI's WSDLs write them): its types import the wrapper schemas by relative URL
// ("xsd/ServiceOrdersMessage.xsd", served beside the service), one portType, a SOAP 1.1 and a
// SOAP 1.2 binding with each operation's soapAction, and a port of each at `address`.

#include <string>
#include <string_view>

#include "cimbus/web_services/schema_documents.hpp"
#include "cimbus/web_services/service_catalog.hpp"

namespace cimbus::web_services {

// The folder, relative to a service's URL, where its XSDs are served.
inline constexpr std::string_view kSchemaFolder = "xsd/";

std::string wsdl_of(const Service& service, const SchemaDocuments& schemas, std::string_view address);

}  // namespace cimbus::web_services
