#pragma once
// Envelope -> XML, driven by the descriptors: fields in number order (= schema sequence order),
// element names and namespaces from the xsd2proto options.

#include <string>
#include <utility>

#include "cimbus/codec/codec_options.hpp"
#include "cimbus/envelope.pb.h"
#include "type_map.hpp"
#include "xml_writer.hpp"

namespace cimbus::detail {

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
                      const std::string& path, const std::string& child_ns, bool check_mandatory = true);
  void write_element(XmlWriter& out, const google::protobuf::Message& message, const FieldMap& field, int index,
                     const std::string& path, const std::string& ns);
  // Writes a typed payload or query object as the root element its type was generated for.
  void write_object(XmlWriter& out, const google::protobuf::Any& object, const std::string& path);
  std::string scalar_text(const google::protobuf::Message& message, const FieldMap& field, int index,
                          const std::string& path);

  TypeMapCache& types_;
  std::string wrapper_ns_;   // set while encoding a typed wrapper
  // Where the envelope's typed objects go: before the wildcard content of Payload and Request.
  const google::protobuf::Message* payload_ = nullptr;
  const google::protobuf::Message* request_ = nullptr;
  const Envelope* envelope_ = nullptr;
  const EncodeOptions* options_ = nullptr;
  // While a typed object is written: its schema's namespace and the one it goes out in.
  std::pair<std::string, std::string> renamed_ns_;
  bool get_form_ = false;
};

}  // namespace cimbus::detail
