#include "decode_handler.hpp"

#include <algorithm>
#include <cctype>

#include <xercesc/framework/XMLValidityCodes.hpp>
#include <xercesc/sax2/Attributes.hpp>
#include <xercesc/util/XMLString.hpp>
#include <xercesc/util/XMLUni.hpp>
#include <xercesc/validators/schema/SchemaSymbols.hpp>

#include "cimbus/codec/error_code.hpp"
#include "cimbus/xml_options.pb.h"
#include "lexical.hpp"
#include "message_namespaces.hpp"
#include "scalar_field.hpp"
#include "xerces_text.hpp"

using namespace xercesc;

namespace cimbus::detail {

namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

bool same(const XMLCh* a, const std::u16string& b) {
  return XMLString::equals(a, reinterpret_cast<const XMLCh*>(b.c_str()));
}

std::string code_string(std::string_view code) { return std::string(code); }

}  // namespace

DecodeHandler::DecodeHandler(TypeMapCache& types, const DecodeLimits& limits)
    : types_(types), limits_(limits), capture_(scope_) {}

void DecodeHandler::reset(Envelope* out, Diagnostics* diagnostics, const SchemaRegistry* registry,
                          const GrammarSet* grammars, ValidationPolicy policy) {
  out_ = out;
  diagnostics_ = diagnostics;
  registry_ = registry;
  grammars_ = grammars;
  policy_ = policy;
  frames_.clear();
  namespace_ids_.clear();
  scope_.clear();
  capture_.reset();
  object_ = nullptr;
  object_arena_.Reset();
  object_sink_ = nullptr;
  alias_ns16_.clear();
  alias_target_ = nullptr;
  skip_depth_ = 0;
  depth_ = 0;
  elements_ = 0;
  text_.clear();
  wrapper_ns16_.clear();
  facts_ = ParseFacts{};
  well_formed_ = true;
  unmapped_path_.clear();
}

void DecodeHandler::check_nothing_dropped() {
  if (unmapped_path_.empty()) return;
  for (const Diagnostic& d : *diagnostics_)
    if (d.is_error()) return;  // the validator refused the element: that error says it all
  Diagnostic d;
  d.code = code_string(code::kSchemaInvalid);
  d.level = Level::fatal;
  d.reason = "element " + unmapped_path_ + " validated but has no place in the decoded message";
  d.detail = "the generated model is out of step with the schemas; refused rather than dropped";
  d.path = unmapped_path_;
  diagnostics_->push_back(std::move(d));
}

void DecodeHandler::startPrefixMapping(const XMLCh* prefix, const XMLCh* uri) { scope_.declare(prefix, uri); }

std::string DecodeHandler::current_path() const {
  std::string path;
  for (const Frame& f : frames_) {
    if (f.role == Role::soap_envelope || f.role == Role::soap_body) continue;
    path += '/';
    path += f.name;
  }
  if (capture_.active() || skip_depth_ > 0) path += "/*";
  return path;
}

void DecodeHandler::add(std::string code, Level level, std::string reason, std::string detail, std::uint64_t line,
                        std::uint64_t column) {
  Diagnostic d;
  d.code = std::move(code);
  d.level = level;
  d.reason = std::move(reason);
  d.detail = std::move(detail);
  d.path = current_path();
  d.line = line;
  d.column = column;
  if (!frames_.empty() && frames_.back().field != nullptr) {
    d.element_name = frames_.back().field->name;
    d.element_namespace = frames_.back().field->ns;
  }
  diagnostics_->push_back(std::move(d));
  if (diagnostics_->size() >= limits_.max_diagnostics)
    throw ParseStop{ParseStop::Why::too_many_diagnostics,
                    "stopped after " + std::to_string(limits_.max_diagnostics) + " findings", {}, {}};
}

// --- elements ---------------------------------------------------------------------------------

void DecodeHandler::startElement(const XMLCh* uri, const XMLCh* local, const XMLCh* qname, const Attributes& attrs) {
  scope_.open_element();
  if (++elements_ > limits_.max_elements)
    throw ParseStop{ParseStop::Why::limit,
                    "the document has more than " + std::to_string(limits_.max_elements) + " elements", {}, {}};
  if (++depth_ > limits_.max_depth)
    throw ParseStop{ParseStop::Why::limit,
                    "elements are nested more than " + std::to_string(limits_.max_depth) + " deep", {}, {}};

  if (capture_.active()) {
    capture_.start(qname, attrs);
    return;
  }
  if (skip_depth_ > 0) {
    ++skip_depth_;
    return;
  }
  if (frames_.empty()) {
    if ((same(uri, kSoap11Namespace16) || same(uri, kSoap12Namespace16)) && XMLString::equals(local, u"Envelope")) {
      frames_.push_back(Frame{Role::soap_envelope, nullptr, nullptr, nullptr, "Envelope"});
      facts_.soap_namespace = utf8(uri);
      return;
    }
    begin_message(uri, local, qname, attrs);
    return;
  }
  Frame& top = frames_.back();
  switch (top.role) {
    case Role::soap_envelope:
      if (XMLString::equals(local, u"Body")) {
        frames_.push_back(Frame{Role::soap_body, nullptr, nullptr, nullptr, "Body"});
      } else {
        skip_depth_ = 1;  // SOAP Header blocks are not part of the 61968-100 message
      }
      return;
    case Role::soap_body:
      if (facts_.found_message) {
        add(code_string(code::kSchemaInvalid), Level::fatal, "the SOAP Body holds more than one element");
        skip_depth_ = 1;
        return;
      }
      begin_message(uri, local, qname, attrs);
      return;
    case Role::verb:
    case Role::noun:
    case Role::none:
      if (top.type == nullptr) {  // a simple-typed element with element content
        if (!validating()) add(code_string(code::kSchemaInvalid), Level::fatal, "element content in a simple-typed element");
        skip_depth_ = 1;
        return;
      }
      [[fallthrough]];
    default:
      begin_child(top, uri, local, qname, attrs);
  }
}

void DecodeHandler::begin_message(const XMLCh* uri, const XMLCh* local, const XMLCh* qname, const Attributes& attrs) {
  (void)qname;
  (void)attrs;
  const std::string ns = utf8(uri);
  const std::string name = utf8(local);
  facts_.root_path = "/" + name;
  root_name_ = name;
  std::optional<Envelope::Archetype> generic;
  if (ns == kMessageNamespace) generic = archetype_of_element(name);
  Envelope::Archetype archetype = generic.value_or(Envelope::MESSAGE);
  if (!generic) {
    std::optional<WrapperName> wrapper = ns == kMessageNamespace ? std::nullopt : WrapperName::parse(name);
    if (!wrapper || !wrapper->namespace_fits(ns)) {
      frames_.push_back(Frame{Role::none, nullptr, nullptr, nullptr, root_name_});
      add(code_string(code::kSchemaInvalid), Level::fatal,
          "the root element {" + ns + "}" + name + " is not an IEC 61968-100 message");
      frames_.pop_back();
      skip_depth_ = 1;
      return;
    }
    if (validating() && !grammars_->declares(ns))
      throw ParseStop{ParseStop::Why::needs_wrapper_grammar, {}, ns, *wrapper};
    archetype = wrapper->archetype;
    facts_.wrapper = wrapper;
    wrapper_ns16_ = std::u16string(reinterpret_cast<const char16_t*>(uri));
    out_->mutable_wrapper()->set_namespace_(ns);
    out_->mutable_wrapper()->set_name(name);
  }
  facts_.found_message = true;
  out_->set_archetype(archetype);
  msg::MessageType* message = out_->mutable_message();
  frames_.push_back(Frame{Role::root, message, &types_.get(message->GetDescriptor()), nullptr, root_name_});
}

void DecodeHandler::begin_child(Frame& parent, const XMLCh* uri, const XMLCh* local, const XMLCh* qname,
                                const Attributes& attrs) {
  // Typed wrappers put Header/Request/Reply/Payload (and the typed Payload's and Get Request's
  // own children) in the wrapper namespace; their types are those of the message namespace.
  const XMLCh* ns = uri;
  if (!wrapper_ns16_.empty() && same(uri, wrapper_ns16_)) ns = reinterpret_cast<const XMLCh*>(kMessageNamespace16.c_str());
  const FieldMap* field = parent.type->element(namespace_id(ns), local, parent.hint);
  if (field == nullptr) {
    if (parent.type->any != nullptr) {
      if (!begin_object(parent, uri, local, attrs)) capture_.start(qname, attrs);
      return;
    }
    if (!validating())
      add(code_string(code::kSchemaInvalid), Level::fatal,
          "unexpected element {" + utf8(uri) + "}" + utf8(local) + " in " + std::string(parent.name));
    else if (unmapped_path_.empty())
      unmapped_path_ = current_path() + "/" + utf8(local);  // the validator should have refused it
    skip_depth_ = 1;
    return;
  }

  const Role role = part_of_child(parent.role, field->name);
  if (role == Role::verb) facts_.saw_verb = true;
  if (role == Role::noun) facts_.saw_noun = true;

  const auto* reflection = parent.type->reflection;
  if (field->is_message) {
    Message* child = field->field->is_repeated() ? reflection->AddMessage(parent.message, field->field)
                                                 : reflection->MutableMessage(parent.message, field->field);
    if (field->child == nullptr) field->child = &types_.get(field->field->message_type());
    const TypeMap& type = *field->child;
    frames_.push_back(Frame{role, child, &type, field, field->name});
    if (!type.attributes.empty()) set_attributes(child, type, attrs);
    if (type.text != nullptr) text_.clear();
    return;
  }
  frames_.push_back(Frame{role, parent.message, nullptr, field, field->name});
  text_.clear();
}

const std::u16string* DecodeHandler::namespace_id(const XMLCh* uri) {
  // Xerces keeps each URI once in a pool for the whole parse, so its address identifies it.
  for (const auto& [address, id] : namespace_ids_)
    if (address == uri) return id;
  // Unknown namespaces are not remembered: a type map built later in the parse may add them.
  const std::u16string* id = types_.namespace_id(uri);
  if (id == nullptr && !alias_ns16_.empty() && same(uri, alias_ns16_)) id = alias_target_;
  if (id != nullptr) namespace_ids_.emplace_back(uri, id);
  return id;
}

bool DecodeHandler::begin_object(const Frame& parent, const XMLCh* uri, const XMLCh* local, const Attributes& attrs) {
  if (registry_ == nullptr || object_ != nullptr || (parent.role != Role::payload && parent.role != Role::request))
    return false;
  const PayloadType* type = registry_->payload_type(utf8(uri), utf8(local));
  if (type == nullptr) return false;
  object_ = google::protobuf::MessageFactory::generated_factory()->GetPrototype(type->descriptor)->New(&object_arena_);
  object_sink_ = parent.role == Role::payload ? out_->mutable_payload_objects() : out_->mutable_request_objects();
  const TypeMap& map = types_.get(type->descriptor);
  // A payload in a partner's namespace (SchemaRegistryOptions::namespace_aliases): its elements
  // are read as those of the schema's own namespace.
  const std::string& own_ns = type->descriptor->options().GetExtension(xml::type).namespace_();
  if (own_ns != type->ns) {
    alias_ns16_ = to_u16(type->ns);
    alias_target_ = types_.namespace_id(reinterpret_cast<const XMLCh*>(to_u16(own_ns).c_str()));
  }
  frames_.push_back(Frame{Role::object, object_, &map, nullptr, type->element});
  if (!map.attributes.empty()) set_attributes(object_, map, attrs);
  return true;
}

void DecodeHandler::end_object() {
  object_sink_->Add()->PackFrom(*object_);
  object_ = nullptr;
  object_arena_.Reset();
  object_sink_ = nullptr;
}

void DecodeHandler::set_attributes(Message* message, const TypeMap& type, const Attributes& attrs) {
  for (XMLSize_t i = 0; i < attrs.getLength(); ++i) {
    const FieldMap* field = type.attribute(attrs.getURI(i), attrs.getLocalName(i));
    if (field != nullptr) {
      set_scalar(message, *field, utf8(attrs.getValue(i)));
    } else if (!validating() && !XMLString::equals(attrs.getURI(i), SchemaSymbols::fgURI_XSI)) {
      add(code_string(code::kSchemaInvalid), Level::fatal, "unexpected attribute " + utf8(attrs.getQName(i)));
    }
  }
}

void DecodeHandler::characters(const XMLCh* chars, XMLSize_t length) {
  if (capture_.active()) {
    capture_.text(chars, length);
    return;
  }
  if (skip_depth_ > 0 || frames_.empty()) return;
  const Frame& top = frames_.back();
  if (top.type == nullptr ? top.field != nullptr : top.type->text != nullptr) append_utf8(text_, chars, length);
}

void DecodeHandler::endElement(const XMLCh* uri, const XMLCh* local, const XMLCh* qname) {
  (void)uri;
  (void)local;
  --depth_;
  if (capture_.active()) {
    if (capture_.end(qname)) {
      Frame& owner = frames_.back();
      const FieldMap* any = owner.type->any;
      const auto* reflection = owner.type->reflection;
      if (any->field->is_repeated()) reflection->AddString(owner.message, any->field, capture_.take());
      else reflection->SetString(owner.message, any->field, capture_.take());
    }
    scope_.close_element();
    return;
  }
  if (skip_depth_ > 0) {
    --skip_depth_;
    scope_.close_element();
    return;
  }
  if (frames_.empty()) {
    scope_.close_element();
    return;
  }
  Frame& top = frames_.back();
  if (top.type == nullptr && top.field != nullptr) {
    set_scalar(top.message, *top.field, text_);
  } else if (top.type != nullptr && top.type->text != nullptr) {
    set_scalar(top.message, *top.type->text, text_);
  }
  if (top.role == Role::object) end_object();
  frames_.pop_back();
  scope_.close_element();
}

// --- values -----------------------------------------------------------------------------------

std::string DecodeHandler::verb_tolerated(const std::string& text) const {
  // Lenient: verbs seen in real traffic in the wrong case, padded, or spelt "cancelled", and the
  // deprecated verbs that have a current synonym (update, updated, show).
  if (policy_ == ValidationPolicy::strict) return {};
  std::string v(collapse_edges(text));
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
  if (v == "cancelled") v = "canceled";
  if (auto deprecated = deprecated_verb(v)) return deprecated->synonym ? to_literal(*deprecated->synonym) : std::string();
  return parse_verb(v) ? v : std::string();
}

// Why `text` is no verb, naming the synonym of a deprecated verb; with `tolerated` (lenient) the
// warning that says how it was read.
std::string DecodeHandler::verb_finding(const std::string& text, const std::string& tolerated) const {
  std::string v(collapse_edges(text));
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
  const auto deprecated = deprecated_verb(v);
  if (deprecated && deprecated->synonym) {
    const std::string& synonym = to_literal(*deprecated->synonym);
    if (!tolerated.empty()) return "deprecated verb '" + text + "' read as its synonym '" + synonym + "' (IEC 61968-100 6.2.2; lenient)";
    return "'" + text + "' is a deprecated verb (IEC 61968-100 6.2.2): use its synonym '" + synonym + "'";
  }
  if (deprecated) return "'" + text + "' is a deprecated verb with no synonym (IEC 61968-100 6.2.2)";
  if (!tolerated.empty()) return "verb '" + text + "' read as '" + tolerated + "' (lenient)";
  return "'" + text + "' is not an IEC 61968-100 verb (they are lower-case and case-sensitive)";
}

void DecodeHandler::set_scalar(Message* message, const FieldMap& field, const std::string& text) {
  auto invalid = [&](const char* what) {
    // With validation on, Xerces has already reported the value; say it once.
    if (!validating())
      add(code_string(code::kSchemaInvalid), Level::fatal,
          "'" + text + "' is not a valid " + what + " for " + field.name);
  };
  if (field.xsd_type == XsdType::qname && field.field->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
    // A QName is kept in Clark notation, {namespace}local, so that it survives a change of prefixes.
    std::string value = text;
    std::string_view q = collapse_edges(text);
    size_t colon = q.find(':');
    std::u16string prefix = colon == std::string_view::npos ? u"" : to_u16(q.substr(0, colon));
    std::string_view local_part = colon == std::string_view::npos ? q : q.substr(colon + 1);
    const std::u16string* bound = scope_.lookup(prefix);
    if (bound != nullptr) value = "{" + utf8(reinterpret_cast<const XMLCh*>(bound->c_str())) + "}" + std::string(local_part);
    else if (prefix.empty()) value = std::string(local_part);
    else invalid("QName (unbound prefix)");
    assign_scalar(message, field, value);
    return;
  }
  static const FieldDescriptor* const verb_field = msg::HeaderType::descriptor()->FindFieldByName("verb");
  if (field.field == verb_field && field.literal_to_number.count(text) == 0) {
    const std::string tolerated = verb_tolerated(text);
    if (!tolerated.empty()) {
      assign_scalar(message, field, tolerated);
      return;
    }
    if (!validating()) return add(code_string(code::kInvalidVerb), Level::fatal, verb_finding(text, {}));
  }
  if (const char* what = assign_scalar(message, field, text)) invalid(what);
}

// --- errors -----------------------------------------------------------------------------------

void DecodeHandler::on_xerces_error(unsigned code, const XMLCh* domain, XMLErrorReporter::ErrTypes type,
                                    const XMLCh* text, std::uint64_t line, std::uint64_t column) {
  if (type == XMLErrorReporter::ErrType_Warning) return;
  const std::string message = utf8(text);
  if (type == XMLErrorReporter::ErrType_Fatal) {
    well_formed_ = false;
    add(code_string(code::kSchemaInvalid), Level::fatal, "the input is not well-formed XML", message, line, column);
    return;
  }
  std::string_view c = code::kSchemaInvalid;
  std::string reason = "does not validate against the schema";
  Level level = Level::fatal;
  Role role = frames_.empty() ? Role::none : frames_.back().role;
  const FieldMap* scalar = frames_.empty() || frames_.back().type != nullptr ? nullptr : frames_.back().field;
  if (scalar != nullptr && !scalar->pattern_type.empty()) {
    // The value breaks its type's pattern. An mRID that is not a UUID is common in real traffic,
    // so lenient decoding reads it with a warning.
    const bool mrid = scalar->pattern_type == "mRID";
    reason = "'" + text_ + "' is not a valid " + scalar->pattern_type + (mrid ? " (a UUID, RFC 4122)" : "");
    if (mrid && policy_ == ValidationPolicy::lenient) {  // the one pattern DESIGN.md names as tolerated
      level = Level::warning;
      reason += "; accepted (lenient)";
    }
  } else if (role == Role::verb) {
    c = code::kInvalidVerb;
    const std::string tolerated = verb_tolerated(text_);
    if (!tolerated.empty()) level = Level::warning;
    reason = verb_finding(text_, tolerated);
  } else if (XMLString::equals(domain, XMLUni::fgValidityDomain) && code == XMLValid::NotEnoughElemsForCM) {
    if (role == Role::header) c = code::kHeaderElementsMissing;
    if (role == Role::request) c = code::kRequestElementsMissing;
    if (role == Role::payload) c = code::kPayloadElementsMissing;
    if (c != code::kSchemaInvalid) reason = "mandatory elements are missing or out of order";
  }
  // An element is in scope at end-tag time, so the path names the element at fault.
  add(code_string(c), level, reason, message, line, column);
}

}  // namespace cimbus::detail
