#pragma once
// The in-memory .proto that the generator builds from an XSModel and the emitter prints.

#include <map>
#include <set>
#include <string>
#include <vector>

namespace xsd2proto {

struct ProtoField {
  std::string name;          // snake_case protobuf name
  std::string json_name;     // the XML name, so that the JSON form reads like the XML
  std::string type;          // scalar ("string", "int64", ...) or ".package.Message"
  bool repeated = false;
  // cimbus.xml.FieldMapping
  std::string kind;          // ELEMENT, ATTRIBUTE, TEXT, ANY
  std::string xml_name;
  std::string xml_namespace;
  std::string xsd_type;
  std::string pattern_type;  // named simple type with a pattern facet (e.g. mRID), if any
  unsigned min_occurs = 0;
  std::string process_contents;
};

// How a simple type maps: the protobuf scalar or enum, its built-in XSD root, and the named
// pattern-restricted type on the way there (empty when none).
struct SimpleMapping {
  std::string proto_type;
  std::string builtin;
  std::string pattern_type;
};

struct ProtoEnumValue {
  std::string name;     // protobuf identifier
  std::string literal;  // the XML literal
};

struct ProtoMessage {
  std::string name;
  std::string xsd_name;
  std::string xsd_namespace;
  std::vector<std::string> global_elements;  // "{ns}local"
  std::vector<ProtoField> fields;
  std::set<std::string> taken_field_names;
  std::set<std::string> taken_json_names;
  // Enumeration holder: a message whose only content is `enum Value { ... }`.
  bool is_enum_holder = false;
  std::vector<ProtoEnumValue> enum_values;
};

struct ProtoFile {
  std::string target_namespace;
  std::string package;
  std::string path;                    // e.g. "cimbus/msg.proto"
  std::vector<std::string> sources;    // XSD files (relative to the schema root)
  std::map<std::string, ProtoMessage> messages;  // by name: sorted, so output is stable
  std::set<std::string> imports;
};

}  // namespace xsd2proto
