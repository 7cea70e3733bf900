#include "type_map.hpp"

#include <algorithm>

#include "cimbus/xml_options.pb.h"
#include "xerces_text.hpp"

namespace cimbus::detail {

namespace {

bool equals(const std::u16string& a, const XMLCh* b) {
  if (b == nullptr) return a.empty();
  // b is NUL-terminated and a holds no NUL, so a mismatch, b's end included, stops the compare.
  return std::char_traits<char16_t>::compare(a.data(), reinterpret_cast<const char16_t*>(b), a.size()) == 0 &&
         b[a.size()] == 0;
}

XsdType xsd_type_of(const std::string& builtin) {
  if (builtin == "boolean") return XsdType::boolean;
  if (builtin == "QName") return XsdType::qname;
  if (builtin == "float" || builtin == "double") return XsdType::floating;
  static const char* integers[] = {"integer", "int", "long", "short", "byte", "negativeInteger",
                                   "nonPositiveInteger", "nonNegativeInteger", "positiveInteger",
                                   "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte"};
  for (const char* name : integers)
    if (builtin == name) return XsdType::integer;
  return XsdType::text;
}

FieldMap make_field(const google::protobuf::FieldDescriptor* fd) {
  const xml::FieldMapping& m = fd->options().GetExtension(xml::field);
  FieldMap f;
  f.field = fd;
  switch (m.kind()) {
    case xml::FieldMapping::ELEMENT: f.kind = FieldMap::Kind::element; break;
    case xml::FieldMapping::ATTRIBUTE: f.kind = FieldMap::Kind::attribute; break;
    case xml::FieldMapping::TEXT: f.kind = FieldMap::Kind::text; break;
    case xml::FieldMapping::ANY: f.kind = FieldMap::Kind::any; break;
  }
  f.xsd_type = xsd_type_of(m.xsd_type());
  f.name = m.name();
  f.ns = m.namespace_();
  f.name16 = to_u16(f.name);
  f.ns16 = to_u16(f.ns);
  f.min_occurs = m.min_occurs();
  f.pattern_type = m.pattern_type();
  f.is_message = fd->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE;
  if (const auto* e = fd->enum_type()) {
    for (int i = 0; i < e->value_count(); ++i) {
      const std::string& literal = e->value(i)->options().GetExtension(xml::literal);
      f.literal_to_number.emplace(literal, e->value(i)->number());
      f.number_to_literal.emplace(e->value(i)->number(), literal);
    }
  }
  return f;
}

}  // namespace

const FieldMap* TypeMap::element(const std::u16string* ns_id, const XMLCh* local, std::size_t& hint) const {
  const std::size_t n = elements.size();
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t i = (hint + k) % n;
    const FieldMap& f = elements[i];
    if (f.kind == FieldMap::Kind::element && f.ns_id == ns_id && equals(f.name16, local)) {
      hint = i;  // a repeated element is followed by itself
      return &f;
    }
  }
  return nullptr;
}

const FieldMap* TypeMap::attribute(const XMLCh* ns, const XMLCh* local) const {
  for (const FieldMap& f : attributes)
    if (equals(f.name16, local) && equals(f.ns16, ns)) return &f;
  return nullptr;
}

const FieldMap* TypeMap::element(std::string_view ns, std::string_view local, std::size_t& hint) const {
  if (hint < elements.size()) {
    const FieldMap& f = elements[hint];
    if (f.kind == FieldMap::Kind::element && f.name == local && f.ns == ns) return &f;
  }
  const auto named = by_local.find(local);
  if (named == by_local.end()) return nullptr;
  if (elements[named->second].ns == ns) {
    hint = named->second;
    return &elements[named->second];
  }
  const std::size_t n = elements.size();  // the same local name in another namespace
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t i = (hint + k) % n;
    const FieldMap& f = elements[i];
    if (f.kind == FieldMap::Kind::element && f.name == local && f.ns == ns) {
      hint = i;
      return &f;
    }
  }
  return nullptr;
}

const FieldMap* TypeMap::attribute(std::string_view ns, std::string_view local) const {
  for (const FieldMap& f : attributes)
    if (f.name == local && f.ns == ns) return &f;
  return nullptr;
}

const std::u16string* TypeMapCache::intern(const std::u16string& ns) {
  for (const auto& known : namespaces_)
    if (*known == ns) return known.get();
  namespaces_.push_back(std::make_unique<std::u16string>(ns));
  return namespaces_.back().get();
}

const std::u16string* TypeMapCache::namespace_id(const XMLCh* ns) const {
  for (const auto& known : namespaces_)
    if (equals(*known, ns)) return known.get();
  return nullptr;
}

const TypeMap& TypeMapCache::get(const google::protobuf::Descriptor* descriptor) {
  auto& slot = maps_[descriptor];
  if (slot) return *slot;
  slot = std::make_unique<TypeMap>();
  TypeMap& map = *slot;
  map.descriptor = descriptor;
  map.reflection = google::protobuf::MessageFactory::generated_factory()->GetPrototype(descriptor)->GetReflection();
  std::vector<FieldMap> others;
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const auto* fd = descriptor->field(i);
    if (!fd->options().HasExtension(xml::field)) continue;
    FieldMap f = make_field(fd);
    f.owner_reflection = map.reflection;
    f.ns_id = intern(f.ns16);
    if (f.kind == FieldMap::Kind::element) map.elements.push_back(std::move(f));
    else if (f.kind == FieldMap::Kind::attribute) map.attributes.push_back(std::move(f));
    else others.push_back(std::move(f));
  }
  // Text and wildcards live beside the elements so that `in_order` can point into one vector.
  for (FieldMap& f : others) map.elements.push_back(std::move(f));
  auto by_number = [](const FieldMap& a, const FieldMap& b) { return a.field->number() < b.field->number(); };
  std::stable_sort(map.elements.begin(), map.elements.end(), by_number);
  for (std::size_t i = 0; i < map.elements.size(); ++i) {
    const FieldMap& f = map.elements[i];
    if (f.kind == FieldMap::Kind::text && map.text == nullptr) map.text = &f;
    if (f.kind == FieldMap::Kind::any && map.any == nullptr) map.any = &f;
    if (f.kind == FieldMap::Kind::element) map.by_local.emplace(f.name, i);  // the first of a name stays
  }
  return map;
}

}  // namespace cimbus::detail
