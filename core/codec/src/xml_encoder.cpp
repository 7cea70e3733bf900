#include "xml_encoder.hpp"

#include <charconv>
#include <memory>

#include "cimbus/codec/encode_error.hpp"
#include "cimbus/codec/payload_object.hpp"
#include "cimbus/xml_options.pb.h"
#include "cimbus/codec/wrapper_name.hpp"
#include "lexical.hpp"
#include "message_namespaces.hpp"
#include "xerces_text.hpp"
#include "xml_escape.hpp"

namespace cimbus::detail {

namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

struct ArchetypeRules {
  bool header, request, reply, payload;     // allowed
  bool header_required, reply_required;
};

ArchetypeRules rules_for(Envelope::Archetype archetype) {
  switch (archetype) {
    case Envelope::REQUEST_MESSAGE: return {true, true, false, true, true, false};
    case Envelope::RESPONSE_MESSAGE: return {true, false, true, true, true, true};
    case Envelope::EVENT_MESSAGE: return {true, false, false, true, true, false};
    case Envelope::FAULT_MESSAGE: return {false, false, true, false, false, true};
    case Envelope::MESSAGE: break;
  }
  return {true, true, true, true, true, false};
}

std::string path_of(const Envelope& envelope) {
  return "/" + (envelope.has_wrapper() ? envelope.wrapper().name() : std::string(element_of(envelope.archetype())));
}

void check_text(std::string_view text, const EncodePath& path) {
  size_t where = 0;
  if (!is_xml_text(text, &where))
    throw EncodeError(path.str(), "byte " + std::to_string(where) + " is not UTF-8 or is a character XML 1.0 cannot carry");
}

template <typename Number>
std::string_view number_text(Number value, std::string& scratch) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  scratch.assign(digits, end);
  return scratch;
}

}  // namespace

std::string EncodePath::str() const {
  std::string out = parent != nullptr ? parent->str() : std::string();
  if (!step.empty()) {
    out += attribute ? "/@" : "/";
    out += step;
  }
  return out;
}

std::string XmlEncoder::encode(const Envelope& envelope, const EncodeOptions& options) {
  const ArchetypeRules rules = rules_for(envelope.archetype());
  const msg::MessageType& m = envelope.message();
  std::string root_ns = kMessageNamespace;
  std::string root_name(element_of(envelope.archetype()));
  wrapper_ns_.clear();
  get_form_ = false;
  envelope_ = &envelope;
  options_ = &options;
  // Typed objects need their Payload or Request element even when the message has no other
  // content there: write_children adds it (as the empty default instance the message returns).
  root_ = &m;
  add_payload_ = envelope.payload_objects_size() > 0 && !m.has_payload();
  add_request_ = envelope.request_objects_size() > 0 && !m.has_request();
  payload_ = m.has_payload() || add_payload_ ? &m.payload() : nullptr;
  request_ = m.has_request() || add_request_ ? &m.request() : nullptr;
  if (envelope.payload_objects_size() > 0 && !rules.payload)
    throw EncodeError(path_of(envelope) + "/Payload", "this archetype carries no Payload");
  if (envelope.request_objects_size() > 0 && !rules.request)
    throw EncodeError(path_of(envelope) + "/Request", "this archetype carries no Request");
  if (envelope.has_wrapper()) {
    auto wrapper = WrapperName::parse(envelope.wrapper().name());
    if (!wrapper || wrapper->archetype != envelope.archetype() || !wrapper->namespace_fits(envelope.wrapper().namespace_()))
      throw EncodeError("/" + envelope.wrapper().name(),
                        "not a typed wrapper of this archetype in namespace '" + envelope.wrapper().namespace_() + "'");
    root_ns = wrapper_ns_ = envelope.wrapper().namespace_();
    root_name = envelope.wrapper().name();
    get_form_ = wrapper->form == WrapperName::Form::get;
  }
  const std::string path = "/" + root_name;
  auto package = [&](bool present, bool allowed, bool required, const char* name) {
    if (present && !allowed) throw EncodeError(path + "/" + name, std::string("a ") + root_name + " has no " + name);
    if (!present && required) throw EncodeError(path + "/" + name, "mandatory element missing");
  };
  package(m.has_header(), rules.header, rules.header_required, "Header");
  package(m.has_request() || add_request_, rules.request, false, "Request");
  package(m.has_reply(), rules.reply, rules.reply_required, "Reply");
  package(m.has_payload() || add_payload_, rules.payload, false, "Payload");

  XmlWriter out(options.indent, last_size_ + last_size_ / 8);
  if (options.xml_declaration) out.declaration();
  if (wrapper_ns_.empty()) {
    out.start(root_ns, root_name);
  } else {
    // Typed wrapper: wrapper-level elements prefixed, the common namespace as default.
    const XmlWriter::Bindings bindings{{"w", wrapper_ns_}, {"", kMessageNamespace}};
    out.start(root_ns, root_name, &bindings);
  }
  // The archetype rules above decide what the root needs; MessageType's own minimums do not apply.
  const EncodePath start;
  const TypeMap& root_type = types_.get(m.GetDescriptor());
  message_ns_id_ = types_.namespace_id(kMessageNamespace16.c_str());
  write_children(out, m, root_type, start.child(root_name), wrapper_ns_.empty() ? kMessageNamespace : wrapper_ns_,
                 /*check_mandatory=*/false);
  out.end();
  root_ = nullptr;
  std::string xml = out.take();
  last_size_ = xml.size();
  return xml;
}

std::string XmlEncoder::encode_object(const google::protobuf::Any& object, const EncodeOptions& options) {
  options_ = &options;
  root_ = nullptr;
  message_ns_id_ = types_.namespace_id(kMessageNamespace16.c_str());
  XmlWriter out(options.indent, last_size_ + last_size_ / 8);
  write_object(out, object, EncodePath{});
  return out.take();
}

const TypeMap& XmlEncoder::type_of(const FieldMap& field, const Message& child) {
  if (field.child == nullptr) field.child = &types_.get(child.GetDescriptor());
  return *field.child;
}

void XmlEncoder::write_children(XmlWriter& out, const Message& message, const TypeMap& type, const EncodePath& path,
                                const std::string& child_ns, bool check_mandatory) {
  const auto* r = type.reflection;  // message.GetReflection() checks a once-flag on every call
  for (const FieldMap& field : type.elements) {
    if (field.kind == FieldMap::Kind::text) continue;
    const FieldDescriptor* fd = field.field;
    int count = fd->is_repeated() ? r->FieldSize(message, fd) : (r->HasField(message, fd) ? 1 : 0);
    if (count == 0 && &message == root_ && field.is_message && !fd->is_repeated() &&
        ((add_payload_ && &r->GetMessage(message, fd) == payload_) || (add_request_ && &r->GetMessage(message, fd) == request_)))
      count = 1;
    if (field.kind == FieldMap::Kind::any) {
      if (&message == payload_)
        for (const auto& object : envelope_->payload_objects()) write_object(out, object, path);
      if (&message == request_)
        for (const auto& object : envelope_->request_objects()) write_object(out, object, path);
      std::string scratch;
      for (int i = 0; i < count; ++i) {
        const std::string& fragment = fd->is_repeated() ? r->GetRepeatedStringReference(message, fd, i, &scratch)
                                                        : r->GetStringReference(message, fd, &scratch);
        check_text(fragment, path.child("*"));
        const std::string_view element = collapse_edges(fragment);
        if (element.substr(0, 1) != "<") throw EncodeError(path.child("*").str(), "wildcard content must be an XML element");
        out.raw(element);
      }
      continue;
    }
    if (check_mandatory && count == 0 && field.min_occurs > 0) throw EncodeError(path.child(field.name).str(), "mandatory element missing");
    const std::string& ns = field.ns_id == message_ns_id_ ? child_ns : field.ns_id == renamed_from_ ? *renamed_to_ : field.ns;
    for (int i = 0; i < count; ++i) write_element(out, message, field, fd->is_repeated() ? i : -1, path, ns);
  }
}

void XmlEncoder::write_object(XmlWriter& out, const google::protobuf::Any& object, const EncodePath& path) {
  google::protobuf::Arena arena;
  const Message* value = unpack_object(object, arena);
  if (!value) throw EncodeError(path.child("*").str(), "'" + object.type_url() + "' is no type cimbus generated, or does not parse as it");
  const auto* descriptor = value->GetDescriptor();
  const auto& roots = descriptor->options().GetExtension(xml::type).global_element();
  if (roots.empty()) throw EncodeError(path.child("*").str(), "'" + object.type_url() + "' has no root element: not a payload type");
  const std::string& root = roots.Get(0);  // "{namespace}local"
  std::string ns = root.substr(1, root.find('}') - 1);
  const std::string_view local = std::string_view(root).substr(root.find('}') + 1);
  const std::u16string schema_ns16 = to_u16(ns);
  if (auto wire = options_->payload_namespaces.find(ns); wire != options_->payload_namespaces.end()) ns = wire->second;
  const TypeMap& type = types_.get(descriptor);
  const XmlWriter::Bindings bindings{{"m", ns}};
  out.start(ns, local, &bindings);
  const EncodePath here = path.child(local);
  std::string scratch;
  for (const FieldMap& attribute : type.attributes)
    if (type.reflection->HasField(*value, attribute.field))
      out.attribute(attribute.name, scalar_text(*value, attribute, -1, here.child(attribute.name, true), scratch));
  renamed_from_ = types_.namespace_id(schema_ns16.c_str());
  renamed_to_ = &ns;
  write_children(out, *value, type, here, kMessageNamespace);
  renamed_from_ = nullptr;
  renamed_to_ = nullptr;
  out.end();
}

void XmlEncoder::write_element(XmlWriter& out, const Message& message, const FieldMap& field, int index,
                               const EncodePath& parent, const std::string& ns) {
  const EncodePath path = parent.child(field.name);
  const auto* r = field.owner_reflection;
  std::string scratch;
  if (!field.is_message) {
    std::string_view value = scalar_text(message, field, index, path, scratch);
    if (field.xsd_type == XsdType::qname && !value.empty() && value[0] == '{') {
      const size_t close = value.find('}');
      if (close == std::string::npos) throw EncodeError(path.str(), "QName '" + std::string(value) + "' is not {namespace}local");
      XmlWriter::Bindings declare;
      const std::string qname = out.qname_value(std::string(value.substr(1, close - 1)), std::string(value.substr(close + 1)), declare);
      out.start(ns, field.name, &declare);
      out.text(qname);
    } else {
      out.start(ns, field.name);
      out.text(value);
    }
    out.end();
    return;
  }
  const Message& child = index < 0 ? r->GetMessage(message, field.field) : r->GetRepeatedMessage(message, field.field, index);
  const TypeMap& type = type_of(field, child);
  out.start(ns, field.name);
  for (const FieldMap& attribute : type.attributes) {
    if (!type.reflection->HasField(child, attribute.field)) continue;
    if (get_form_ && field.name == "ID" && parent.step == "Request" && !parent.attribute)
      throw EncodeError(path.str(), "Request/ID of a Get<Noun>RequestMessage carries no attributes");
    out.attribute(attribute.name, scalar_text(child, attribute, -1, path.child(attribute.name, true), scratch));
  }
  if (type.text != nullptr) out.text(scalar_text(child, *type.text, -1, path, scratch));
  // In a typed wrapper, the Payload's children and a Get request's parameters are declared by the
  // wrapper schema; everything below them is in the message namespace again.
  const std::string* child_ns = &kMessageNamespace;
  if (!wrapper_ns_.empty() && ns == wrapper_ns_ && (field.name == "Payload" || (get_form_ && field.name == "Request")))
    child_ns = &wrapper_ns_;
  write_children(out, child, type, path, *child_ns);
  out.end();
}

std::string_view XmlEncoder::scalar_text(const Message& message, const FieldMap& field, int index, const EncodePath& path,
                                         std::string& scratch) {
  const auto* r = field.owner_reflection;
  const FieldDescriptor* fd = field.field;
  const bool rep = index >= 0;
  switch (fd->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING: {
      const std::string& value = rep ? r->GetRepeatedStringReference(message, fd, index, &scratch) : r->GetStringReference(message, fd, &scratch);
      check_text(value, path);
      return value;
    }
    case FieldDescriptor::CPPTYPE_BOOL:
      return (rep ? r->GetRepeatedBool(message, fd, index) : r->GetBool(message, fd)) ? "true" : "false";
    case FieldDescriptor::CPPTYPE_INT32:
      return number_text(rep ? r->GetRepeatedInt32(message, fd, index) : r->GetInt32(message, fd), scratch);
    case FieldDescriptor::CPPTYPE_INT64:
      return number_text(rep ? r->GetRepeatedInt64(message, fd, index) : r->GetInt64(message, fd), scratch);
    case FieldDescriptor::CPPTYPE_UINT32:
      return number_text(rep ? r->GetRepeatedUInt32(message, fd, index) : r->GetUInt32(message, fd), scratch);
    case FieldDescriptor::CPPTYPE_UINT64:
      return number_text(rep ? r->GetRepeatedUInt64(message, fd, index) : r->GetUInt64(message, fd), scratch);
    case FieldDescriptor::CPPTYPE_FLOAT:
      return scratch = format_double(rep ? r->GetRepeatedFloat(message, fd, index) : r->GetFloat(message, fd));
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return scratch = format_double(rep ? r->GetRepeatedDouble(message, fd, index) : r->GetDouble(message, fd));
    case FieldDescriptor::CPPTYPE_ENUM: {
      int number = rep ? r->GetRepeatedEnumValue(message, fd, index) : r->GetEnumValue(message, fd);
      auto it = field.number_to_literal.find(number);
      if (it == field.number_to_literal.end()) throw EncodeError(path.str(), "enumeration value " + std::to_string(number) + " has no literal");
      return it->second;
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      break;
  }
  throw EncodeError(path.str(), "not a simple value");
}

}  // namespace cimbus::detail
