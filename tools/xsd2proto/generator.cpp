#include "generator.hpp"

#include <stdexcept>

#include <xercesc/framework/psvi/XSAttributeDeclaration.hpp>
#include <xercesc/framework/psvi/XSAttributeUse.hpp>
#include <xercesc/framework/psvi/XSComplexTypeDefinition.hpp>
#include <xercesc/framework/psvi/XSElementDeclaration.hpp>
#include <xercesc/framework/psvi/XSModelGroup.hpp>
#include <xercesc/framework/psvi/XSNamespaceItem.hpp>
#include <xercesc/framework/psvi/XSParticle.hpp>
#include <xercesc/framework/psvi/XSSimpleTypeDefinition.hpp>
#include <xercesc/framework/psvi/XSWildcard.hpp>
#include <xercesc/util/XMLUni.hpp>

#include "cimbus/xerces/utf16.hpp"
#include "naming.hpp"

using namespace xercesc;

namespace xsd2proto {

namespace {

using cimbus::xerces::utf8;

const std::string kXsdNamespace = "http://www.w3.org/2001/XMLSchema";

// Nearest ancestor of a simple type that is an XSD built-in datatype.
std::string builtin_name(XSSimpleTypeDefinition* type) {
  XSTypeDefinition* t = type;
  while (t != nullptr && utf8(t->getNamespace()) != kXsdNamespace) t = t->getBaseType();
  return t == nullptr ? "string" : utf8(t->getName());
}

// The nearest named, non-built-in type that restricts `type` with a pattern (e.g. mRID), or "".
std::string pattern_type_name(XSSimpleTypeDefinition* type) {
  for (XSTypeDefinition* t = type; t != nullptr && utf8(t->getNamespace()) != kXsdNamespace; t = t->getBaseType()) {
    if (t->getTypeCategory() != XSTypeDefinition::SIMPLE_TYPE) break;
    auto* simple = static_cast<XSSimpleTypeDefinition*>(t);
    if (!simple->getAnonymous() && simple->isDefinedFacet(XSSimpleTypeDefinition::FACET_PATTERN))
      return utf8(simple->getName());
  }
  return {};
}

std::string scalar_for_builtin(const std::string& builtin) {
  static const std::map<std::string, std::string> scalars = {
      {"boolean", "bool"},        {"float", "float"},          {"double", "double"},
      {"int", "int32"},           {"short", "int32"},          {"byte", "int32"},
      {"long", "int64"},          {"integer", "int64"},        {"negativeInteger", "int64"},
      {"nonPositiveInteger", "int64"}, {"nonNegativeInteger", "uint64"},
      {"positiveInteger", "uint64"},   {"unsignedLong", "uint64"},
      {"unsignedInt", "uint32"},  {"unsignedShort", "uint32"}, {"unsignedByte", "uint32"}};
  auto it = scalars.find(builtin);
  // Everything else keeps its lexical form: strings, dateTime and friends, decimal, QName, ...
  return it == scalars.end() ? "string" : it->second;
}

std::string clark(const std::string& ns, const std::string& local) {
  return ns.empty() ? local : "{" + ns + "}" + local;
}

}  // namespace

Generator::Generator(std::map<std::string, std::string> packages) : packages_(std::move(packages)) {}

ProtoFile& Generator::file_for(const std::string& target_namespace, const std::string& context) {
  auto it = files_.find(target_namespace);
  if (it != files_.end()) return it->second;
  auto package = packages_.find(target_namespace);
  if (package == packages_.end())
    throw std::runtime_error(context + " is in namespace '" + target_namespace +
                             "', which no manifest entry maps to a protobuf package");
  ProtoFile& file = files_[target_namespace];
  file.target_namespace = target_namespace;
  file.package = package->second;
  file.path = proto_path_for_package(package->second);
  return file;
}

void Generator::add_source(const std::string& target_namespace, const std::string& xsd_path) {
  file_for(target_namespace, xsd_path).sources.push_back(xsd_path);
}

void Generator::reference(ProtoFile& from, const std::string& qualified_type) {
  if (qualified_type.empty() || qualified_type[0] != '.') return;
  for (auto& [ns, file] : files_) {
    if (&file == &from) continue;
    const std::string prefix = "." + file.package + ".";
    if (qualified_type.compare(0, prefix.size(), prefix) == 0) from.imports.insert(file.path);
  }
}

void Generator::generate(XSModel& model) {
  XSNamespaceItemList* namespaces = model.getNamespaceItems();
  for (XMLSize_t i = 0; i < namespaces->size(); ++i) {
    XSNamespaceItem* item = namespaces->elementAt(i);
    const std::string ns = utf8(item->getSchemaNamespace());
    if (packages_.count(ns) == 0) continue;
    file_for(ns, "schema");

    XSNamedMap<XSObject>* types = item->getComponents(XSConstants::TYPE_DEFINITION);
    for (XMLSize_t t = 0; t < types->getLength(); ++t) {
      auto* type = static_cast<XSTypeDefinition*>(types->item(t));
      if (type->getTypeCategory() == XSTypeDefinition::COMPLEX_TYPE) {
        message_for(static_cast<XSComplexTypeDefinition*>(type), "");
      } else {
        auto* simple = static_cast<XSSimpleTypeDefinition*>(type);
        if (simple->isDefinedFacet(XSSimpleTypeDefinition::FACET_ENUMERATION)) enum_for(simple, "");
      }
    }

    XSNamedMap<XSObject>* elements = item->getComponents(XSConstants::ELEMENT_DECLARATION);
    for (XMLSize_t e = 0; e < elements->getLength(); ++e) {
      auto* element = static_cast<XSElementDeclaration*>(elements->item(e));
      XSTypeDefinition* type = element->getTypeDefinition();
      if (type->getTypeCategory() != XSTypeDefinition::COMPLEX_TYPE) continue;
      const std::string local = utf8(element->getName());
      std::string qualified = message_for(static_cast<XSComplexTypeDefinition*>(type), local);
      // Record the root element on the message that decodes it.
      for (auto& [fns, file] : files_) {
        const std::string prefix = "." + file.package + ".";
        if (qualified.compare(0, prefix.size(), prefix) != 0) continue;
        file.messages[qualified.substr(prefix.size())].global_elements.push_back(clark(ns, local));
      }
    }
  }
}

std::string Generator::message_for(XSComplexTypeDefinition* type, const std::string& anonymous_name) {
  auto known = generated_.find(type);
  if (known != generated_.end()) return known->second;

  const std::string ns = utf8(type->getNamespace());
  const std::string xsd_name = type->getAnonymous() ? "<" + anonymous_name + ">" : utf8(type->getName());
  if (ns == kXsdNamespace) return ".google.protobuf.Empty";  // xs:anyType: never used by profiles
  ProtoFile& file = file_for(ns, "type " + xsd_name);

  const std::string wanted = identifier(type->getAnonymous() ? anonymous_name : utf8(type->getName()));
  const std::string name = claim_unique(taken_names_[file.package], wanted);
  const std::string qualified = "." + file.package + "." + name;
  generated_[type] = qualified;  // before walking: content may refer back to this type

  ProtoMessage message;
  message.name = name;
  message.xsd_name = xsd_name;
  message.xsd_namespace = ns;

  switch (type->getContentType()) {
    case XSComplexTypeDefinition::CONTENTTYPE_EMPTY:
      break;
    case XSComplexTypeDefinition::CONTENTTYPE_SIMPLE: {
      ProtoField text;
      const SimpleMapping simple = simple_type(file, type->getSimpleType(), name + "_value");
      text.name = "value";
      text.json_name = "value";
      text.type = simple.proto_type;
      text.kind = "TEXT";
      text.xsd_type = simple.builtin;
      text.pattern_type = simple.pattern_type;
      text.min_occurs = 1;
      add_field(message, file, text);
      break;
    }
    case XSComplexTypeDefinition::CONTENTTYPE_ELEMENT:
      if (type->getParticle() != nullptr) add_particle(message, file, type->getParticle(), false, false);
      break;
    case XSComplexTypeDefinition::CONTENTTYPE_MIXED:
      throw std::runtime_error("type " + xsd_name + " in " + ns +
                               " has mixed content, which the mapping does not support");
  }

  if (XSAttributeUseList* uses = type->getAttributeUses()) {
    for (XMLSize_t i = 0; i < uses->size(); ++i) {
      XSAttributeUse* use = uses->elementAt(i);
      XSAttributeDeclaration* decl = use->getAttrDeclaration();
      const std::string local = utf8(decl->getName());
      ProtoField field;
      const SimpleMapping simple = simple_type(file, decl->getTypeDefinition(), name + "_" + local);
      field.name = snake_case(local);
      field.json_name = local;
      field.type = simple.proto_type;
      field.kind = "ATTRIBUTE";
      field.xml_name = local;
      field.xml_namespace = utf8(decl->getNamespace());
      field.xsd_type = simple.builtin;
      field.pattern_type = simple.pattern_type;
      field.min_occurs = use->getRequired() ? 1 : 0;
      add_field(message, file, field);
    }
  }
  if (type->getAttributeWildcard() != nullptr)
    throw std::runtime_error("type " + xsd_name + " in " + ns +
                             " has an attribute wildcard, which the mapping does not support");

  file.messages[name] = std::move(message);
  return qualified;
}

void Generator::add_particle(ProtoMessage& message, ProtoFile& file, XSParticle* particle,
                             bool repeated, bool optional) {
  repeated = repeated || particle->getMaxOccursUnbounded() || particle->getMaxOccurs() > 1;
  optional = optional || particle->getMinOccurs() == 0;

  switch (particle->getTermType()) {
    case XSParticle::TERM_ELEMENT: {
      XSElementDeclaration* decl = particle->getElementTerm();
      if (decl->getAbstract())
        throw std::runtime_error("abstract element " + utf8(decl->getName()) +
                                 " (substitution groups are not supported)");
      const std::string local = utf8(decl->getName());
      ProtoField field;
      field.name = snake_case(local);
      field.json_name = local;
      field.repeated = repeated;
      field.kind = "ELEMENT";
      field.xml_name = local;
      field.xml_namespace = utf8(decl->getNamespace());
      field.min_occurs = optional ? 0 : 1;
      XSTypeDefinition* type = decl->getTypeDefinition();
      if (type->getTypeCategory() == XSTypeDefinition::COMPLEX_TYPE) {
        field.type = message_for(static_cast<XSComplexTypeDefinition*>(type), message.name + "_" + local);
      } else {
        const SimpleMapping simple =
            simple_type(file, static_cast<XSSimpleTypeDefinition*>(type), message.name + "_" + local);
        field.type = simple.proto_type;
        field.xsd_type = simple.builtin;
        field.pattern_type = simple.pattern_type;
      }
      add_field(message, file, field);
      break;
    }
    case XSParticle::TERM_MODELGROUP: {
      XSModelGroup* group = particle->getModelGroupTerm();
      XSParticleList* children = group->getParticles();
      // A choice between several branches makes each branch optional.
      bool branch_optional = group->getCompositor() == XSModelGroup::COMPOSITOR_CHOICE &&
                             children != nullptr && children->size() > 1;
      for (XMLSize_t i = 0; children != nullptr && i < children->size(); ++i)
        add_particle(message, file, children->elementAt(i), repeated, optional || branch_optional);
      break;
    }
    case XSParticle::TERM_WILDCARD: {
      ProtoField field;
      field.name = "any";
      field.json_name = "any";
      field.type = "string";
      field.repeated = repeated;
      field.kind = "ANY";
      field.min_occurs = optional ? 0 : 1;
      switch (particle->getWildcardTerm()->getProcessContents()) {
        case XSWildcard::PC_STRICT: field.process_contents = "strict"; break;
        case XSWildcard::PC_LAX: field.process_contents = "lax"; break;
        case XSWildcard::PC_SKIP: field.process_contents = "skip"; break;
      }
      add_field(message, file, field);
      break;
    }
    default:
      break;
  }
}

void Generator::add_field(ProtoMessage& message, ProtoFile& file, ProtoField field) {
  if (field.kind == "ELEMENT") {
    for (const ProtoField& existing : message.fields)
      if (existing.kind == "ELEMENT" && existing.xml_name == field.xml_name &&
          existing.xml_namespace == field.xml_namespace)
        throw std::runtime_error("element " + field.xml_name + " appears twice in the content model of " +
                                 message.xsd_name + ", which the mapping does not support");
  }
  std::string name = is_unsafe_cpp_name(field.name) ? field.name + "_" : field.name;
  field.name = claim_unique(message.taken_field_names, name);
  field.json_name = claim_unique(message.taken_json_names, field.json_name);
  reference(file, field.type);
  message.fields.push_back(std::move(field));
}

SimpleMapping Generator::simple_type(ProtoFile& file, XSSimpleTypeDefinition* type, const std::string& anonymous_name) {
  const std::string builtin = builtin_name(type);
  if (type->getVariety() == XSSimpleTypeDefinition::VARIETY_ATOMIC &&
      type->isDefinedFacet(XSSimpleTypeDefinition::FACET_ENUMERATION)) {
    std::string holder = enum_for(type, anonymous_name);
    reference(file, holder);
    return {holder + ".Value", builtin, {}};
  }
  if (type->getVariety() != XSSimpleTypeDefinition::VARIETY_ATOMIC) return {"string", "string", {}};
  return {scalar_for_builtin(builtin), builtin, pattern_type_name(type)};
}

std::string Generator::enum_for(XSSimpleTypeDefinition* type, const std::string& anonymous_name) {
  auto known = generated_.find(type);
  if (known != generated_.end()) return known->second;

  const std::string ns = utf8(type->getNamespace());
  const std::string xsd_name = type->getAnonymous() ? "<" + anonymous_name + ">" : utf8(type->getName());
  ProtoFile& file = file_for(ns, "simple type " + xsd_name);
  const std::string wanted = identifier(type->getAnonymous() ? anonymous_name : utf8(type->getName()));
  const std::string name = claim_unique(taken_names_[file.package], wanted);
  const std::string qualified = "." + file.package + "." + name;
  generated_[type] = qualified;

  ProtoMessage holder;
  holder.name = name;
  holder.xsd_name = xsd_name;
  holder.xsd_namespace = ns;
  holder.is_enum_holder = true;
  // protoc wants value names unique once case and underscores are ignored (CIM unit literals
  // such as "m" and "M" are not), so the later of two such literals gets a numeric suffix.
  std::set<std::string> taken_folded = {"VALUE"};
  StringList* literals = type->getLexicalEnumeration();
  for (XMLSize_t i = 0; literals != nullptr && i < literals->size(); ++i) {
    ProtoEnumValue value;
    value.literal = utf8(literals->elementAt(i));
    std::string id = identifier(value.literal);
    if (is_unsafe_cpp_name(id)) id += "_";
    value.name = id;
    for (int n = 2; taken_folded.count(folded(value.name)) != 0; ++n) value.name = id + "_" + std::to_string(n);
    taken_folded.insert(folded(value.name));
    holder.enum_values.push_back(value);
  }
  if (holder.enum_values.empty())
    throw std::runtime_error("enumeration " + xsd_name + " in " + ns + " has no literals");
  file.messages[name] = std::move(holder);
  return qualified;
}

}  // namespace xsd2proto
