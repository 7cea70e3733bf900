#include "cimbus/web_services/wsdl.hpp"

#include <map>

#include "cimbus/codec/xml_text.hpp"

namespace cimbus::web_services {

namespace {

constexpr std::string_view kSoap11Binding = "http://schemas.xmlsoap.org/wsdl/soap/";
constexpr std::string_view kSoap12Binding = "http://schemas.xmlsoap.org/wsdl/soap12/";

// A prefix per element namespace used by the service: m0, m1, ...
class Prefixes {
 public:
  const std::string& of(const std::string& ns) {
    auto it = prefixes_.find(ns);
    if (it == prefixes_.end()) it = prefixes_.emplace(ns, "m" + std::to_string(prefixes_.size())).first;
    return it->second;
  }
  const std::map<std::string, std::string>& all() const { return prefixes_; }

 private:
  std::map<std::string, std::string> prefixes_;
};

void add_binding(std::string& x, const Service& s, const std::string& name, std::string_view soap) {
  x += "  <wsdl:binding name=\"" + name + "\" type=\"tns:" + s.name + "_Port\">\n";
  x += "    <" + std::string(soap) + ":binding style=\"document\" transport=\"http://schemas.xmlsoap.org/soap/http\"/>\n";
  for (const Operation& op : s.operations) {
    const std::string p(soap);
    x += "    <wsdl:operation name=\"" + op.name + "\">\n";
    x += "      <" + p + ":operation soapAction=\"" + escape_xml_attribute(op.action) + "\" style=\"document\"/>\n";
    x += "      <wsdl:input><" + p + ":body use=\"literal\"/></wsdl:input>\n";
    x += "      <wsdl:output><" + p + ":body use=\"literal\"/></wsdl:output>\n";
    x += "      <wsdl:fault name=\"" + op.fault.name + "\"><" + p + ":fault name=\"" + op.fault.name + "\" use=\"literal\"/></wsdl:fault>\n";
    x += "    </wsdl:operation>\n";
  }
  x += "  </wsdl:binding>\n";
}

}  // namespace

std::string wsdl_of(const Service& s, const SchemaDocuments& schemas, std::string_view address) {
  Prefixes prefixes;
  std::map<std::string, const QualifiedName*> messages;  // wsdl:message per element, by element name
  for (const Operation& op : s.operations)
    for (const QualifiedName* q : {&op.input, &op.output, &op.fault}) {
      prefixes.of(q->ns);
      messages.emplace(q->name, q);
    }
  const std::string tns = escape_xml_attribute(s.target_namespace);

  std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  x += "<!-- " + s.name + ", served by cimbus (IEC 61968-100 " + (s.noun.empty() ? "Annex D, generic" : "Annex C, strongly typed") +
       "). -->\n";
  x += "<wsdl:definitions xmlns:wsdl=\"http://schemas.xmlsoap.org/wsdl/\" xmlns:soap=\"" + std::string(kSoap11Binding) +
       "\" xmlns:soap12=\"" + std::string(kSoap12Binding) + "\" xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" xmlns:tns=\"" + tns + "\"";
  for (const auto& [ns, prefix] : prefixes.all()) x += " xmlns:" + prefix + "=\"" + escape_xml_attribute(ns) + "\"";
  x += " name=\"" + s.name + "\" targetNamespace=\"" + tns + "\">\n";

  x += "  <wsdl:types>\n    <xs:schema targetNamespace=\"" + tns + "\" elementFormDefault=\"qualified\">\n";
  for (const auto& [ns, prefix] : prefixes.all())
    x += "      <xs:import namespace=\"" + escape_xml_attribute(ns) + "\" schemaLocation=\"" +
         escape_xml_attribute(std::string(kSchemaFolder) + schemas.file_for(ns)) + "\"/>\n";
  x += "    </xs:schema>\n  </wsdl:types>\n";

  for (const auto& [name, q] : messages)
    x += "  <wsdl:message name=\"" + name + "\"><wsdl:part name=\"" + name + "\" element=\"" + prefixes.of(q->ns) + ":" + name +
         "\"/></wsdl:message>\n";

  x += "  <wsdl:portType name=\"" + s.name + "_Port\">\n";
  for (const Operation& op : s.operations) {
    x += "    <wsdl:operation name=\"" + op.name + "\">\n";
    x += "      <wsdl:input message=\"tns:" + op.input.name + "\"/>\n";
    x += "      <wsdl:output message=\"tns:" + op.output.name + "\"/>\n";
    x += "      <wsdl:fault name=\"" + op.fault.name + "\" message=\"tns:" + op.fault.name + "\"/>\n";
    x += "    </wsdl:operation>\n";
  }
  x += "  </wsdl:portType>\n";

  add_binding(x, s, s.name + "_Soap11", "soap");
  add_binding(x, s, s.name + "_Soap12", "soap12");

  const std::string location = escape_xml_attribute(address);
  x += "  <wsdl:service name=\"" + s.name + "\">\n";
  x += "    <wsdl:port name=\"" + s.name + "_Soap11\" binding=\"tns:" + s.name + "_Soap11\"><soap:address location=\"" + location +
       "\"/></wsdl:port>\n";
  x += "    <wsdl:port name=\"" + s.name + "_Soap12\" binding=\"tns:" + s.name + "_Soap12\"><soap12:address location=\"" + location +
       "\"/></wsdl:port>\n";
  x += "  </wsdl:service>\n</wsdl:definitions>\n";
  return x;
}

}  // namespace cimbus::web_services
