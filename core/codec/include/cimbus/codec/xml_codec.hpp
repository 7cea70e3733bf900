#pragma once
// XML <-> typed message for IEC 61968-100 envelopes, driven by the generated descriptors.
//
// decode: cimbus's validator, compiled from the registry's grammars, checks the bytes and builds
// the Envelope on the same walk; a document it does not call valid is decoded by one Xerces-C
// SAX2 pass against the same grammars, which gives the diagnostics (decisions/0035;
// CodecOptions::reference_decoder for Xerces-C alone). Then the envelope rules that a schema
// cannot express are checked (Header fields, verb against archetype and wrapper, Compressed
// payload). SOAP 1.1/1.2 envelopes are unwrapped. encode: schema order, correct namespaces,
// output that validates.
//
// Threading: an XmlCodec is not thread-safe; give each thread its own. They may share one
// SchemaRegistry.

#include <memory>
#include <string>
#include <string_view>

#include "cimbus/codec/codec_options.hpp"
#include "cimbus/codec/decode_result.hpp"
#include "cimbus/codec/encode_error.hpp"
#include "cimbus/envelope.pb.h"
#include "cimbus/codec/schema_registry.hpp"
#include "cimbus/codec/verb.hpp"

namespace cimbus {

class XmlCodec {
 public:
  explicit XmlCodec(CodecOptions options = {}, std::shared_ptr<SchemaRegistry> registry = SchemaRegistry::builtin());
  ~XmlCodec();
  XmlCodec(const XmlCodec&) = delete;
  XmlCodec& operator=(const XmlCodec&) = delete;

  DecodeResult decode(std::string_view xml);
  // `payload` (XML elements, e.g. the content of an OperationSet's Operation, which the envelope's
  // schema does not look at) read as the Payload of a request of (noun, verb): validated and
  // decoded exactly as such a request would be.
  DecodeResult decode_payload(const std::string& noun, Verb verb, std::string_view payload);

  // Throws EncodeError when a mandatory element is missing, a string holds a character XML 1.0
  // cannot carry, or the archetype forbids a package (e.g. a Header in a FaultMessage).
  std::string encode(const Envelope& envelope, const EncodeOptions& options = {});
  // One typed payload object (Envelope::payload_objects) as a standalone XML element, e.g. the
  // content of an OperationSet's Operation. options.xml_declaration does not apply.
  std::string encode_object(const google::protobuf::Any& object, const EncodeOptions& options = {});

  const CodecOptions& options() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cimbus
