#pragma once
// The XSD documents behind the served WSDLs: the registry's schemas (Message.xsd, the noun
// profiles, the typed wrappers), each under a file name of its own, with every xs:import given
// the relative schemaLocation of the document that declares its namespace, so that a client
// reading `<base>/xsd/ServiceOrdersMessage.xsd` finds the rest beside it.

#include <map>
#include <string>
#include <string_view>

#include "cimbus/codec/schema_registry.hpp"

namespace cimbus::web_services {

class SchemaDocuments {
 public:
  explicit SchemaDocuments(const SchemaRegistry& registry);

  // The document served as `file` (e.g. "ServiceOrdersMessage.xsd"), or nullptr.
  const std::string* find(std::string_view file) const;
  // The file that declares namespace `ns`; empty when none does.
  std::string file_for(std::string_view ns) const;

 private:
  std::map<std::string, std::string, std::less<>> documents_;       // file -> text
  std::map<std::string, std::string, std::less<>> file_of_namespace_;
};

}  // namespace cimbus::web_services
