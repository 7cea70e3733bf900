#include "envelope_builder.hpp"

#include "cimbus/codec/message_elements.hpp"
#include "cimbus/xml_options.pb.h"
#include "message_namespaces.hpp"
#include "scalar_field.hpp"

namespace cimbus::detail {

using google::protobuf::Message;

namespace {
constexpr std::string_view kNoType = "-";
}  // namespace

void EnvelopeBuilder::reset(Envelope* out, const SchemaRegistry* registry) {
  out_ = out;
  registry_ = registry;
  frames_.clear();
  capture_.reset();
  object_ = nullptr;
  object_arena_.Reset();
  object_sink_ = nullptr;
  wrapper_ns_.clear();
  facts_ = ParseFacts{};
  text_.clear();
  skip_depth_ = 0;
}

std::string_view EnvelopeBuilder::start(const XmlTokenizer& t) {
  if (capture_.active()) {
    capture_.start(t);
    return {};
  }
  if (skip_depth_ > 0) {
    ++skip_depth_;
    return {};
  }
  const std::string_view ns = t.element().ns, local = t.element().local;
  if (frames_.empty()) {
    if ((ns == kSoap11Namespace || ns == kSoap12Namespace) && local == "Envelope") {
      frames_.push_back(Frame{Role::soap_envelope, nullptr, nullptr, nullptr});
      facts_.soap_namespace = std::string(ns);
      return {};
    }
    return begin_message(t);
  }
  Frame& top = frames_.back();
  switch (top.role) {
    case Role::soap_envelope:
      if (local == "Body") frames_.push_back(Frame{Role::soap_body, nullptr, nullptr, nullptr});
      else skip_depth_ = 1;  // SOAP Header blocks are not part of the 61968-100 message
      return {};
    case Role::soap_body:
      if (facts_.found_message) return "a SOAP Body with more than one element";
      return begin_message(t);
    default:
      if (top.type == nullptr) return "element content in a simple-typed element";
      return begin_child(top, t);
  }
}

std::string_view EnvelopeBuilder::begin_message(const XmlTokenizer& t) {
  const std::string_view ns = t.element().ns, name = t.element().local;
  std::optional<Envelope::Archetype> generic;
  if (ns == kMessageNamespace) generic = archetype_of_element(name);
  Envelope::Archetype archetype = generic.value_or(Envelope::MESSAGE);
  if (!generic) {
    std::optional<WrapperName> wrapper = ns == kMessageNamespace ? std::nullopt : WrapperName::parse(name);
    if (!wrapper || !wrapper->namespace_fits(ns)) return "a root that is no IEC 61968-100 message";
    archetype = wrapper->archetype;
    facts_.wrapper = wrapper;
    wrapper_ns_ = std::string(ns);
    out_->mutable_wrapper()->set_namespace_(std::string(ns));
    out_->mutable_wrapper()->set_name(std::string(name));
  }
  facts_.root_path = "/" + std::string(name);
  facts_.found_message = true;
  out_->set_archetype(archetype);
  msg::MessageType* message = out_->mutable_message();
  frames_.push_back(Frame{Role::root, message, &types_.get(message->GetDescriptor()), nullptr});
  return {};
}

std::string_view EnvelopeBuilder::begin_child(Frame& parent, const XmlTokenizer& t) {
  // Typed wrappers put Header/Request/Reply/Payload (and the typed Payload's and Get Request's
  // own children) in the wrapper namespace; their types are those of the message namespace.
  std::string_view ns = t.element().ns;
  if (!wrapper_ns_.empty() && ns == wrapper_ns_) ns = kMessageNamespace;
  const FieldMap* field = parent.type->element(ns, t.element().local, parent.hint);
  if (field == nullptr) {
    if (parent.type->any == nullptr) return "an element the generated model has no place for";
    const std::string_view begun = begin_object(parent, t);
    if (begun == kNoType) capture_.start(t);
    return begun == kNoType ? std::string_view() : begun;
  }
  const Role role = part_of_child(parent.role, field->name);
  if (role == Role::verb) facts_.saw_verb = true;
  if (role == Role::noun) facts_.saw_noun = true;
  if (!field->is_message) {
    frames_.push_back(Frame{role, parent.message, nullptr, field});
    text_.clear();
    return {};
  }
  const auto* reflection = parent.type->reflection;
  Message* child = field->field->is_repeated() ? reflection->AddMessage(parent.message, field->field)
                                               : reflection->MutableMessage(parent.message, field->field);
  if (field->child == nullptr) field->child = &types_.get(field->field->message_type());
  const TypeMap& type = *field->child;
  frames_.push_back(Frame{role, child, &type, field});
  if (type.text != nullptr) text_.clear();
  return type.attributes.empty() ? std::string_view() : set_attributes(child, type, t);
}

std::string_view EnvelopeBuilder::begin_object(const Frame& parent, const XmlTokenizer& t) {
  if (registry_ == nullptr || object_ != nullptr || (parent.role != Role::payload && parent.role != Role::request)) return kNoType;
  const PayloadType* type = registry_->payload_type(t.element().ns, t.element().local);
  if (type == nullptr) return kNoType;
  if (type->descriptor->options().GetExtension(xml::type).namespace_() != type->ns) return "a payload in an aliased namespace";
  object_ = google::protobuf::MessageFactory::generated_factory()->GetPrototype(type->descriptor)->New(&object_arena_);
  object_sink_ = parent.role == Role::payload ? out_->mutable_payload_objects() : out_->mutable_request_objects();
  const TypeMap& map = types_.get(type->descriptor);
  frames_.push_back(Frame{Role::object, object_, &map, nullptr});
  if (map.text != nullptr) text_.clear();
  return map.attributes.empty() ? std::string_view() : set_attributes(object_, map, t);
}

std::string_view EnvelopeBuilder::set_attributes(Message* message, const TypeMap& type, const XmlTokenizer& t) {
  for (const XmlAttribute& a : t.attributes()) {
    const FieldMap* field = type.attribute(a.name.ns, a.name.local);
    if (field == nullptr) continue;  // validated: a wildcard's attribute, which no field keeps
    if (const std::string_view left = set_scalar(message, *field, std::string(a.value)); !left.empty()) return left;
  }
  return {};
}

std::string_view EnvelopeBuilder::set_scalar(Message* message, const FieldMap& field, const std::string& text) {
  if (field.xsd_type == XsdType::qname) return "a QName value";  // its prefixes are Xerces-C's to resolve
  if (assign_scalar(message, field, text) != nullptr) return "a valid value the generated model cannot hold";
  return {};
}

void EnvelopeBuilder::text(std::string_view text) {
  if (capture_.active()) {
    capture_.text(text);
    return;
  }
  if (skip_depth_ > 0 || frames_.empty()) return;
  const Frame& top = frames_.back();
  if (top.type == nullptr ? top.field != nullptr : top.type->text != nullptr) text_ += text;
}

std::string_view EnvelopeBuilder::end(const XmlTokenizer& t) {
  if (capture_.active()) {
    if (capture_.end(t)) {
      const Frame& owner = frames_.back();
      const FieldMap* any = owner.type->any;
      if (any->field->is_repeated()) owner.type->reflection->AddString(owner.message, any->field, capture_.take());
      else owner.type->reflection->SetString(owner.message, any->field, capture_.take());
    }
    return {};
  }
  if (skip_depth_ > 0) {
    --skip_depth_;
    return {};
  }
  if (frames_.empty()) return {};
  const Frame& top = frames_.back();
  std::string_view left;
  if (top.type == nullptr && top.field != nullptr) left = set_scalar(top.message, *top.field, text_);
  else if (top.type != nullptr && top.type->text != nullptr) left = set_scalar(top.message, *top.type->text, text_);
  if (!left.empty()) return left;
  if (top.role == Role::object) {
    object_sink_->Add()->PackFrom(*object_);
    object_ = nullptr;
    object_arena_.Reset();
    object_sink_ = nullptr;
  }
  frames_.pop_back();
  return {};
}

}  // namespace cimbus::detail
