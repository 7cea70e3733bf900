#pragma once
// Per-type XML mapping read once from the descriptor options that tools/xsd2proto wrote
// (cimbus/xml_options.proto). The decoder and the encoder share it.

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
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
  const std::u16string* ns_id = nullptr;  // ns16 interned by the TypeMapCache: compared by address
  unsigned min_occurs = 0;
  bool is_message = false;
  mutable const struct TypeMap* child = nullptr;  // the message field's type, once looked up
  const google::protobuf::Reflection* owner_reflection = nullptr;  // of the type that has the field
  std::string pattern_type;          // named pattern-restricted simple type (e.g. "mRID"), if any
  // Enumerations: XML literal <-> protobuf number.
  std::unordered_map<std::string, int> literal_to_number;
  std::unordered_map<int, std::string> number_to_literal;
};

struct TypeMap {
  const google::protobuf::Descriptor* descriptor = nullptr;
  // Of the generated type: asking a message for it on every element costs a once-flag check.
  const google::protobuf::Reflection* reflection = nullptr;
  std::vector<FieldMap> elements;    // elements, text and wildcards, in sequence order
  std::vector<FieldMap> attributes;
  const FieldMap* text = nullptr;    // simpleContent value
  const FieldMap* any = nullptr;     // first wildcard: where unmatched children go
  // Element fields by local name (the first, when two namespaces share one): CIM types have
  // dozens of optional children, and a scan from the hint passes all those a document lacks.
  std::unordered_map<std::string_view, std::size_t> by_local;

  // The element field named (ns, local), or nullptr. `hint` is where the search starts and, on a
  // match, becomes the index after it: children arrive in sequence order, so the next one is
  // almost always at the hint.
  // `ns_id` is the namespace as TypeMapCache::namespace_id gives it.
  const FieldMap* element(const std::u16string* ns_id, const XMLCh* local, std::size_t& hint) const;
  const FieldMap* attribute(const XMLCh* ns, const XMLCh* local) const;
  // The same, by the UTF-8 names the tokenizer gives (envelope_builder.hpp).
  const FieldMap* element(std::string_view ns, std::string_view local, std::size_t& hint) const;
  const FieldMap* attribute(std::string_view ns, std::string_view local) const;
};

// Builds TypeMaps on first use. Not thread-safe: each codec owns one.
class TypeMapCache {
 public:
  const TypeMap& get(const google::protobuf::Descriptor* descriptor);

  // The interned copy of a namespace that some field uses, or nullptr when no field does: element
  // lookups then compare namespaces by address instead of by 40 characters each time.
  const std::u16string* namespace_id(const XMLCh* ns) const;

 private:
  const std::u16string* intern(const std::u16string& ns);

  std::unordered_map<const google::protobuf::Descriptor*, std::unique_ptr<TypeMap>> maps_;
  std::vector<std::unique_ptr<std::u16string>> namespaces_;
};

}  // namespace cimbus::detail
