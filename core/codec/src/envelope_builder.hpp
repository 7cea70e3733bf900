#pragma once
// Builds an Envelope on the SchemaValidator's walk (schema_validator.hpp): the decoder's fast
// path (decisions/0035). It fills the same fields the Xerces-C SAX handler fills
// (decode_handler.hpp), from the same descriptors (type_map.hpp), for a document the validator
// finds valid; it reports nothing itself. What it does not build the same way it leaves to
// Xerces-C, with a reason: a root that is no 61968-100 message, a SOAP Body of two, a QName value,
// a payload in an aliased namespace, an element the generated model has no place for. A caller
// that gets any verdict but valid decodes the document again with Xerces-C, which gives the
// diagnostics.
//
// Threading: one document at a time.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <google/protobuf/arena.h>

#include "cimbus/codec/schema_registry.hpp"
#include "cimbus/codec/wrapper_name.hpp"
#include "envelope_checks.hpp"
#include "message_part.hpp"
#include "cimbus/envelope.pb.h"
#include "schema_validator.hpp"
#include "token_capture.hpp"
#include "type_map.hpp"

namespace cimbus::detail {

class EnvelopeBuilder : public SchemaValidator::Listener {
 public:
  explicit EnvelopeBuilder(TypeMapCache& types) : types_(types) {}

  // Prepares for one document, built into `out`.
  void reset(Envelope* out, const SchemaRegistry* registry);

  std::string_view start(const XmlTokenizer& t) override;
  void text(std::string_view text) override;
  std::string_view end(const XmlTokenizer& t) override;

  // After a valid walk: what it found of the message's shape (envelope_checks.hpp): the
  // message, its SOAP envelope, the root's path, the wrapper, Verb and Noun seen.
  const ParseFacts& facts() const { return facts_; }

 private:
  using Role = MessagePart;
  struct Frame {
    Role role = Role::none;
    google::protobuf::Message* message = nullptr;  // message being filled, or the owner of `field`
    const TypeMap* type = nullptr;                 // for message frames
    const FieldMap* field = nullptr;               // for scalar frames
    std::size_t hint = 0;                          // where the next child's field is looked for
  };

  std::string_view begin_message(const XmlTokenizer& t);
  std::string_view begin_child(Frame& parent, const XmlTokenizer& t);
  // Starts a typed payload or query object: "" when begun, "-" when {ns}local has no generated
  // type (the caller captures it as text), else why it is left to Xerces-C.
  std::string_view begin_object(const Frame& parent, const XmlTokenizer& t);
  std::string_view set_attributes(google::protobuf::Message* message, const TypeMap& type, const XmlTokenizer& t);
  std::string_view set_scalar(google::protobuf::Message* message, const FieldMap& field, const std::string& text);

  TypeMapCache& types_;
  Envelope* out_ = nullptr;
  const SchemaRegistry* registry_ = nullptr;
  std::vector<Frame> frames_;
  TokenCapture capture_;
  // The current scalar's text. Its own, not the validator's: under a lax wildcard an element is
  // built although the validator has no type to keep its text for.
  std::string text_;
  google::protobuf::Arena object_arena_;  // the typed object: built once, packed, dropped at once
  google::protobuf::Message* object_ = nullptr;
  google::protobuf::RepeatedPtrField<google::protobuf::Any>* object_sink_ = nullptr;
  std::string wrapper_ns_;  // a typed wrapper's namespace, read as the message namespace
  ParseFacts facts_;
  std::size_t skip_depth_ = 0;  // inside a SOAP Header block, which is no part of the message
};

}  // namespace cimbus::detail
