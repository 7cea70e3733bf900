#pragma once
// SAX2 content handler that builds an Envelope while Xerces validates: one pass, no DOM.
//
// Element to field mapping comes from the descriptors (type_map.hpp). Children of the root are
// found by local name, so one handler serves the five generic archetypes and the typed per-noun
// wrappers, whose Header/Request/Reply/Payload live in the wrapper's namespace (the handler reads
// the wrapper namespace as the common message namespace). Wildcard content (xs:any) in Payload or
// Request whose root element has a generated type (a loaded payload or query schema) is decoded
// into that type and packed into Envelope.payload_objects / request_objects; other wildcard
// content is captured as standalone XML text (subtree_capture.hpp).

#include <cstdint>
#include "grammar_set.hpp"
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <google/protobuf/arena.h>
#include <xercesc/framework/XMLErrorReporter.hpp>
#include <xercesc/sax2/DefaultHandler.hpp>

#include "cimbus/codec/decode_limits.hpp"
#include "cimbus/codec/diagnostic.hpp"
#include "cimbus/envelope.pb.h"
#include "cimbus/codec/schema_registry.hpp"
#include "cimbus/codec/validation_policy.hpp"
#include "cimbus/codec/wrapper_name.hpp"
#include "envelope_checks.hpp"
#include "message_part.hpp"
#include "namespace_scope.hpp"
#include "subtree_capture.hpp"
#include "type_map.hpp"

namespace cimbus::detail {

// Thrown from inside a parse to stop it: a limit or policy was hit, or the root element needs a
// grammar that the registry can synthesize. Xerces unwinds and rethrows it.
struct ParseStop {
  enum class Why { limit, doctype, too_many_diagnostics, needs_wrapper_grammar };
  Why why;
  std::string reason;
  std::string wrapper_namespace;  // needs_wrapper_grammar
  WrapperName wrapper;
};

class DecodeHandler : public xercesc::DefaultHandler {
 public:
  DecodeHandler(TypeMapCache& types, const DecodeLimits& limits);

  // Prepares for one document.
  void reset(Envelope* out, Diagnostics* diagnostics, const SchemaRegistry* registry, const GrammarSet* grammars,
             ValidationPolicy policy);

  // Xerces callbacks.
  void startElement(const XMLCh* uri, const XMLCh* local, const XMLCh* qname,
                    const xercesc::Attributes& attributes) override;
  void endElement(const XMLCh* uri, const XMLCh* local, const XMLCh* qname) override;
  void characters(const XMLCh* chars, XMLSize_t length) override;
  void startPrefixMapping(const XMLCh* prefix, const XMLCh* uri) override;

  // Errors from the scanner and the validator, with Xerces' numeric code (see hardened_reader).
  void on_xerces_error(unsigned code, const XMLCh* domain, xercesc::XMLErrorReporter::ErrTypes type,
                       const XMLCh* text, std::uint64_t line, std::uint64_t column);

  // Adds a diagnostic at the current element; enforces max_diagnostics.
  void add(std::string code, Level level, std::string reason, std::string detail = {},
           std::uint64_t line = 0, std::uint64_t column = 0);

  // After the parse. An element that validated but mapped to no field would be lost silently;
  // this turns it into an error (it means the generated model and the schemas disagree).
  void check_nothing_dropped();
  bool well_formed() const { return well_formed_; }
  // What the parse found of the message's shape (envelope_checks.hpp): the message, its SOAP
  // envelope, the root's path, the wrapper, Verb and Noun seen.
  const ParseFacts& facts() const { return facts_; }

 private:
  using Role = MessagePart;

  struct Frame {
    Role role = Role::none;
    google::protobuf::Message* message = nullptr;  // message being filled, or the owner of `field`
    const TypeMap* type = nullptr;                 // for message frames
    const FieldMap* field = nullptr;               // for scalar frames
    std::string_view name;                         // local name, for paths (outlives the frame)
    std::size_t hint = 0;                          // where the next child's field is looked for
  };

  void begin_message(const XMLCh* uri, const XMLCh* local, const XMLCh* qname, const xercesc::Attributes& attrs);
  // Starts a typed payload or query object; false when {uri}local has no generated type.
  bool begin_object(const Frame& parent, const XMLCh* uri, const XMLCh* local, const xercesc::Attributes& attrs);
  void end_object();
  void begin_child(Frame& parent, const XMLCh* uri, const XMLCh* local, const XMLCh* qname,
                   const xercesc::Attributes& attrs);
  void set_attributes(google::protobuf::Message* message, const TypeMap& type, const xercesc::Attributes& attrs);
  void set_scalar(google::protobuf::Message* message, const FieldMap& field, const std::string& text);
  std::string current_path() const;
  // TypeMapCache::namespace_id, remembered per parse by the address Xerces gives the URI.
  const std::u16string* namespace_id(const XMLCh* uri);
  std::string verb_tolerated(const std::string& text) const;  // "" when no tolerance applies
  std::string verb_finding(const std::string& text, const std::string& tolerated) const;  // why it is no verb, or how it was read
  bool validating() const { return policy_ != ValidationPolicy::off; }

  TypeMapCache& types_;
  const DecodeLimits& limits_;
  Envelope* out_ = nullptr;
  Diagnostics* diagnostics_ = nullptr;
  const SchemaRegistry* registry_ = nullptr;
  const GrammarSet* grammars_ = nullptr;
  ValidationPolicy policy_ = ValidationPolicy::strict;

  std::vector<Frame> frames_;
  std::vector<std::pair<const XMLCh*, const std::u16string*>> namespace_ids_;  // this parse's URIs
  NamespaceScope scope_;
  SubtreeCapture capture_;
  // The typed object being decoded lives on an arena: thousands of small fields, built once,
  // serialized into the envelope, then dropped at once.
  google::protobuf::Arena object_arena_;
  google::protobuf::Message* object_ = nullptr;
  google::protobuf::RepeatedPtrField<google::protobuf::Any>* object_sink_ = nullptr;
  std::u16string alias_ns16_;                       // the object's namespace, when an alias
  const std::u16string* alias_target_ = nullptr;    // ... and the schema's own, as an interned id
  std::size_t skip_depth_ = 0;     // inside an element that maps to nothing
  std::size_t depth_ = 0;
  std::size_t elements_ = 0;
  std::string text_;               // character content of the current scalar
  std::u16string wrapper_ns16_;    // typed wrapper namespace, read as the message namespace
  ParseFacts facts_;
  std::string root_name_;          // what the root frame's name points to
  bool well_formed_ = true;
  std::string unmapped_path_;      // first element skipped although validation was on
};

}  // namespace cimbus::detail
