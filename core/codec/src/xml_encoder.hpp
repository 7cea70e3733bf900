#pragma once
// Envelope -> XML, driven by the descriptors: fields in number order (= schema sequence order),
// element names and namespaces from the xsd2proto options.

#include <string>
#include <string_view>
#include <utility>

#include "cimbus/codec/codec_options.hpp"
#include "cimbus/envelope.pb.h"
#include "type_map.hpp"
#include "xml_writer.hpp"

namespace cimbus::detail {

// Where the encoder is, kept for errors: a chain of steps on the stack, made "/A/B/@c" only when
// an error names it (building a path string per element cost a third of the encoding).
struct EncodePath {
  const EncodePath* parent = nullptr;
  std::string_view step;  // an element's local name, "*" (wildcard) or "" (the start)
  bool attribute = false;

  EncodePath child(std::string_view name, bool is_attribute = false) const { return {this, name, is_attribute}; }
  std::string str() const;
};

class XmlEncoder {
 public:
  explicit XmlEncoder(TypeMapCache& types) : types_(types) {}

  // Throws EncodeError.
  std::string encode(const Envelope& envelope, const EncodeOptions& options);
  // One typed payload object as a standalone element that declares what it uses.
  std::string encode_object(const google::protobuf::Any& object, const EncodeOptions& options);

 private:
  // Writes the children of `message`. Elements in the message namespace are written in
  // `child_ns` instead (typed wrappers put some levels in the wrapper namespace).
  void write_children(XmlWriter& out, const google::protobuf::Message& message, const TypeMap& type,
                      const EncodePath& path, const std::string& child_ns, bool check_mandatory = true);
  void write_element(XmlWriter& out, const google::protobuf::Message& message, const FieldMap& field, int index,
                     const EncodePath& parent, const std::string& ns);
  // Writes a typed payload or query object as the root element its type was generated for.
  void write_object(XmlWriter& out, const google::protobuf::Any& object, const EncodePath& path);
  // A simple value's lexical form. Strings are returned as a view of the message's own field, or
  // of `scratch` for other types; either way valid until the next call with the same scratch.
  std::string_view scalar_text(const google::protobuf::Message& message, const FieldMap& field, int index,
                               const EncodePath& path, std::string& scratch);
  const TypeMap& type_of(const FieldMap& field, const google::protobuf::Message& child);

  TypeMapCache& types_;
  std::string wrapper_ns_;   // set while encoding a typed wrapper
  // Where the envelope's typed objects go: before the wildcard content of Payload and Request.
  const google::protobuf::Message* payload_ = nullptr;
  const google::protobuf::Message* request_ = nullptr;
  // The root's message, and whether it lacks a Payload or Request its typed objects need.
  const google::protobuf::Message* root_ = nullptr;
  bool add_payload_ = false, add_request_ = false;
  const Envelope* envelope_ = nullptr;
  const EncodeOptions* options_ = nullptr;
  // Namespaces as TypeMapCache::namespace_id gives them, compared by address: the message's, and
  // while a typed object is written, its schema's (written as renamed_to_ instead).
  const std::u16string* message_ns_id_ = nullptr;
  const std::u16string* renamed_from_ = nullptr;
  const std::string* renamed_to_ = nullptr;
  bool get_form_ = false;
  std::size_t last_size_ = 0;  // of the last document: reserved for the next, saving its regrowths
};

}  // namespace cimbus::detail
