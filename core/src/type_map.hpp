#pragma once
// Per-type XML mapping read once from the descriptor options that tools/xsd2proto wrote
// (cimbus/xml_options.proto). The decoder and the encoder share it.

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <google/protobuf/descriptor.h>
#include <xercesc/util/XercesDefs.hpp>

namespace cimbus::detail {

// Built-in XSD datatypes whose lexical form the codec converts; everything else is text.
enum class XsdType { text, boolean, integer, floating, qname };

struct FieldMap {
  enum class Kind { element, attribute, text, any };

  const google::protobuf::FieldDescriptor* field = nullptr;
  Kind kind = Kind::element;
  XsdType xsd_type = XsdType::text;
  std::string name;                  // local name (UTF-8)
  std::string ns;                    // namespace URI (UTF-8), empty when unqualified
  std::u16string name16;             // the same, as Xerces sees them
  std::u16string ns16;
  unsigned min_occurs = 0;
  bool is_message = false;
  // Enumerations: XML literal <-> protobuf number.
  std::unordered_map<std::string, int> literal_to_number;
  std::unordered_map<int, std::string> number_to_literal;
};

struct TypeMap {
  const google::protobuf::Descriptor* descriptor = nullptr;
  std::vector<FieldMap> elements;    // elements, text and wildcards, in sequence order
  std::vector<FieldMap> attributes;
  const FieldMap* text = nullptr;    // simpleContent value
  const FieldMap* any = nullptr;     // first wildcard: where unmatched children go

  // The element field named (ns, local), or nullptr.
  const FieldMap* element(const XMLCh* ns, const XMLCh* local) const;
  const FieldMap* attribute(const XMLCh* ns, const XMLCh* local) const;
};

// Builds TypeMaps on first use. Not thread-safe: each codec owns one.
class TypeMapCache {
 public:
  const TypeMap& get(const google::protobuf::Descriptor* descriptor);

 private:
  std::unordered_map<const google::protobuf::Descriptor*, std::unique_ptr<TypeMap>> maps_;
};

}  // namespace cimbus::detail
