#include "xml_encoder.hpp"

#include <memory>

#include "cimbus/codec/encode_error.hpp"
#include "cimbus/codec/payload_object.hpp"
#include "cimbus/xml_options.pb.h"
#include "cimbus/codec/wrapper_name.hpp"
#include "lexical.hpp"
#include "message_namespaces.hpp"
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

void check_text(std::string_view text, const std::string& path) {
  size_t where = 0;
  if (!is_xml_text(text, &where))
    throw EncodeError(path, "byte " + std::to_string(where) + " is not UTF-8 or is a character XML 1.0 cannot carry");
}

}  // namespace

std::string XmlEncoder::encode(const Envelope& envelope, const EncodeOptions& options) {
  const ArchetypeRules rules = rules_for(envelope.archetype());
  // Typed objects need their Payload or Request element even when the message has no other
  // content there: encode from a copy that has them (the objects themselves are not copied).
  const bool needs_payload = envelope.payload_objects_size() > 0 && !envelope.message().has_payload();
  const bool needs_request = envelope.request_objects_size() > 0 && !envelope.message().has_request();
  msg::MessageType completed;
  if (needs_payload || needs_request) {
    completed = envelope.message();
    if (needs_payload) completed.mutable_payload();
    if (needs_request) completed.mutable_request();
  }
  const msg::MessageType& m = needs_payload || needs_request ? completed : envelope.message();
  std::string root_ns = kMessageNamespace;
  std::string root_name(element_of(envelope.archetype()));
  wrapper_ns_.clear();
  get_form_ = false;
  envelope_ = &envelope;
  options_ = &options;
  payload_ = m.has_payload() ? &m.payload() : nullptr;
  request_ = m.has_request() ? &m.request() : nullptr;
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
  package(m.has_request(), rules.request, false, "Request");
  package(m.has_reply(), rules.reply, rules.reply_required, "Reply");
  package(m.has_payload(), rules.payload, false, "Payload");

  XmlWriter out(options.indent);
  if (options.xml_declaration) out.declaration();
  if (wrapper_ns_.empty()) {
    out.start(root_ns, root_name);
  } else {
    // Typed wrapper: wrapper-level elements prefixed, the common namespace as default.
    out.start(root_ns, root_name, {{"w", wrapper_ns_}, {"", kMessageNamespace}});
  }
  // The archetype rules above decide what the root needs; MessageType's own minimums do not apply.
  write_children(out, m, types_.get(m.GetDescriptor()), path, wrapper_ns_.empty() ? kMessageNamespace : wrapper_ns_,
                 /*check_mandatory=*/false);
  out.end();
  return out.take();
}

std::string XmlEncoder::encode_object(const google::protobuf::Any& object, const EncodeOptions& options) {
  options_ = &options;
  XmlWriter out(options.indent);
  write_object(out, object, "");
  return out.take();
}

void XmlEncoder::write_children(XmlWriter& out, const Message& message, const TypeMap& type, const std::string& path,
                                const std::string& child_ns, bool check_mandatory) {
  const auto* r = message.GetReflection();
  for (const FieldMap& field : type.elements) {
    if (field.kind == FieldMap::Kind::text) continue;
    const FieldDescriptor* fd = field.field;
    const int count = fd->is_repeated() ? r->FieldSize(message, fd) : (r->HasField(message, fd) ? 1 : 0);
    if (field.kind == FieldMap::Kind::any) {
      if (&message == payload_)
        for (const auto& object : envelope_->payload_objects()) write_object(out, object, path);
      if (&message == request_)
        for (const auto& object : envelope_->request_objects()) write_object(out, object, path);
      for (int i = 0; i < count; ++i) {
        const std::string fragment = fd->is_repeated() ? r->GetRepeatedString(message, fd, i) : r->GetString(message, fd);
        check_text(fragment, path + "/*");
        if (collapse_edges(fragment).substr(0, 1) != "<")
          throw EncodeError(path + "/*", "wildcard content must be an XML element");
        out.raw(collapse_edges(fragment));
      }
      continue;
    }
    if (check_mandatory && count == 0 && field.min_occurs > 0) throw EncodeError(path + "/" + field.name, "mandatory element missing");
    const std::string& ns = field.ns == kMessageNamespace ? child_ns
                            : field.ns == renamed_ns_.first ? renamed_ns_.second : field.ns;
    for (int i = 0; i < count; ++i) write_element(out, message, field, fd->is_repeated() ? i : -1, path, ns);
  }
}

void XmlEncoder::write_object(XmlWriter& out, const google::protobuf::Any& object, const std::string& path) {
  const std::unique_ptr<Message> value = unpack_object(object);
  if (!value) throw EncodeError(path + "/*", "'" + object.type_url() + "' is no type cimbus generated, or does not parse as it");
  const auto* descriptor = value->GetDescriptor();
  const auto& roots = descriptor->options().GetExtension(xml::type).global_element();
  if (roots.empty()) throw EncodeError(path + "/*", "'" + object.type_url() + "' has no root element: not a payload type");
  const std::string& root = roots.Get(0);  // "{namespace}local"
  std::string ns = root.substr(1, root.find('}') - 1);
  const std::string local = root.substr(root.find('}') + 1);
  const std::string schema_ns = ns;
  if (auto wire = options_->payload_namespaces.find(ns); wire != options_->payload_namespaces.end()) ns = wire->second;
  const TypeMap& type = types_.get(descriptor);
  out.start(ns, local, {{"m", ns}});
  for (const FieldMap& attribute : type.attributes)
    if (value->GetReflection()->HasField(*value, attribute.field))
      out.attribute(attribute.name, scalar_text(*value, attribute, -1, path + "/" + local + "/@" + attribute.name));
  renamed_ns_ = {schema_ns, ns};
  write_children(out, *value, type, path + "/" + local, kMessageNamespace);
  renamed_ns_ = {};
  out.end();
}

void XmlEncoder::write_element(XmlWriter& out, const Message& message, const FieldMap& field, int index,
                               const std::string& parent_path, const std::string& ns) {
  const std::string path = parent_path + "/" + field.name;
  const auto* r = message.GetReflection();
  if (!field.is_message) {
    std::vector<std::pair<std::string, std::string>> declare;
    std::string value = scalar_text(message, field, index, path);
    if (field.xsd_type == XsdType::qname && !value.empty() && value[0] == '{') {
      size_t close = value.find('}');
      if (close == std::string::npos) throw EncodeError(path, "QName '" + value + "' is not {namespace}local");
      value = out.qname_value(value.substr(1, close - 1), value.substr(close + 1), declare);
    }
    out.start(ns, field.name, declare);
    out.text(value);
    out.end();
    return;
  }
  const Message& child = index < 0 ? r->GetMessage(message, field.field) : r->GetRepeatedMessage(message, field.field, index);
  const TypeMap& type = types_.get(child.GetDescriptor());
  out.start(ns, field.name);
  for (const FieldMap& attribute : type.attributes) {
    if (!child.GetReflection()->HasField(child, attribute.field)) continue;
    if (get_form_ && field.name == "ID" && parent_path.size() > 8 &&
        parent_path.compare(parent_path.size() - 8, 8, "/Request") == 0)
      throw EncodeError(path, "Request/ID of a Get<Noun>RequestMessage carries no attributes");
    out.attribute(attribute.name, scalar_text(child, attribute, -1, path + "/@" + attribute.name));
  }
  if (type.text != nullptr) out.text(scalar_text(child, *type.text, -1, path));
  // In a typed wrapper, the Payload's children and a Get request's parameters are declared by the
  // wrapper schema; everything below them is in the message namespace again.
  std::string child_ns = kMessageNamespace;
  if (!wrapper_ns_.empty() && ns == wrapper_ns_ && (field.name == "Payload" || (get_form_ && field.name == "Request")))
    child_ns = wrapper_ns_;
  write_children(out, child, type, path, child_ns);
  out.end();
}

std::string XmlEncoder::scalar_text(const Message& message, const FieldMap& field, int index, const std::string& path) {
  const auto* r = message.GetReflection();
  const FieldDescriptor* fd = field.field;
  const bool rep = index >= 0;
  switch (fd->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string value = rep ? r->GetRepeatedString(message, fd, index) : r->GetString(message, fd);
      check_text(value, path);
      return value;
    }
    case FieldDescriptor::CPPTYPE_BOOL:
      return (rep ? r->GetRepeatedBool(message, fd, index) : r->GetBool(message, fd)) ? "true" : "false";
    case FieldDescriptor::CPPTYPE_INT32:
      return std::to_string(rep ? r->GetRepeatedInt32(message, fd, index) : r->GetInt32(message, fd));
    case FieldDescriptor::CPPTYPE_INT64:
      return std::to_string(rep ? r->GetRepeatedInt64(message, fd, index) : r->GetInt64(message, fd));
    case FieldDescriptor::CPPTYPE_UINT32:
      return std::to_string(rep ? r->GetRepeatedUInt32(message, fd, index) : r->GetUInt32(message, fd));
    case FieldDescriptor::CPPTYPE_UINT64:
      return std::to_string(rep ? r->GetRepeatedUInt64(message, fd, index) : r->GetUInt64(message, fd));
    case FieldDescriptor::CPPTYPE_FLOAT:
      return format_double(rep ? r->GetRepeatedFloat(message, fd, index) : r->GetFloat(message, fd));
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return format_double(rep ? r->GetRepeatedDouble(message, fd, index) : r->GetDouble(message, fd));
    case FieldDescriptor::CPPTYPE_ENUM: {
      int number = rep ? r->GetRepeatedEnumValue(message, fd, index) : r->GetEnumValue(message, fd);
      auto it = field.number_to_literal.find(number);
      if (it == field.number_to_literal.end()) throw EncodeError(path, "enumeration value " + std::to_string(number) + " has no literal");
      return it->second;
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      break;
  }
  throw EncodeError(path, "not a simple value");
}

}  // namespace cimbus::detail
