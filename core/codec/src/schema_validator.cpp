#include "schema_validator.hpp"

#include <algorithm>
#include <cstdint>

#include <xercesc/framework/psvi/XSAttributeDeclaration.hpp>
#include <xercesc/framework/psvi/XSAttributeUse.hpp>
#include <xercesc/framework/psvi/XSComplexTypeDefinition.hpp>

#include "xerces_text.hpp"

namespace cimbus::detail {

using namespace xercesc;

namespace {

constexpr std::string_view kSchemaInstance = "http://www.w3.org/2001/XMLSchema-instance";

bool only_space(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

std::string clark(std::string_view ns, std::string_view local) { return "{" + std::string(ns) + "}" + std::string(local); }

}  // namespace

const SimpleTypeCheck* SchemaValidator::check_of(XSSimpleTypeDefinition* type, std::string& unsupported) {
  if (auto it = checks_.find(type); it != checks_.end()) return it->second.get();
  if (auto it = unchecked_.find(type); it != unchecked_.end()) {
    unsupported = it->second;
    return nullptr;
  }
  try {
    return checks_.emplace(type, std::make_unique<SimpleTypeCheck>(SimpleTypeCheck::compile(*type))).first->second.get();
  } catch (const SimpleTypeCheck::Unsupported& e) {
    unsupported = unchecked_[type] = e.what();
    return nullptr;
  }
}

const SchemaValidator::Rules& SchemaValidator::rules_of(XSTypeDefinition* type) {
  auto& slot = rules_[type];
  if (slot) return *slot;
  slot = std::make_unique<Rules>();
  Rules& r = *slot;
  if (type->getTypeCategory() == XSTypeDefinition::SIMPLE_TYPE) {
    r.text = check_of(static_cast<XSSimpleTypeDefinition*>(type), r.unsupported);
    return r;
  }
  auto* complex = static_cast<XSComplexTypeDefinition*>(type);
  switch (complex->getContentType()) {
    case XSComplexTypeDefinition::CONTENTTYPE_MIXED:
      r.unsupported = "mixed content";
      return r;
    case XSComplexTypeDefinition::CONTENTTYPE_SIMPLE:
      r.text = check_of(complex->getSimpleType(), r.unsupported);
      break;
    case XSComplexTypeDefinition::CONTENTTYPE_EMPTY:
    case XSComplexTypeDefinition::CONTENTTYPE_ELEMENT:
      try {
        r.content = ContentModel::compile(*complex);
      } catch (const ContentModel::Unsupported& e) {
        r.unsupported = e.what();
      }
      break;
  }
  if (XSAttributeUseList* uses = complex->getAttributeUses()) {
    for (XMLSize_t i = 0; i < uses->size(); ++i) {
      XSAttributeUse* use = uses->elementAt(i);
      XSAttributeDeclaration* d = use->getAttrDeclaration();
      if (use->getConstraintType() != XSConstants::VALUE_CONSTRAINT_NONE || d->getConstraintType() != XSConstants::VALUE_CONSTRAINT_NONE)
        r.unsupported = "an attribute with a default or fixed value";
      std::string why;
      Attribute a{utf8(d->getNamespace()), utf8(d->getName()), use->getRequired(), check_of(d->getTypeDefinition(), why)};
      if (a.check == nullptr && r.unsupported.empty()) r.unsupported = why;
      r.attributes.push_back(std::move(a));
    }
  }
  if (r.attributes.size() > 64 && r.unsupported.empty()) r.unsupported = "more than 64 attributes";  // validate() marks them in 64 bits
  if (XSWildcard* any = complex->getAttributeWildcard()) r.any_attribute = ContentModel::Symbol::of(*any);
  return r;
}

XSElementDeclaration* SchemaValidator::global_element(std::string_view ns, std::string_view local) const {
  return model_.getElementDeclaration(to_u16(local).c_str(), to_u16(ns).c_str());
}

SchemaValidator::Verdict SchemaValidator::validate(std::string_view xml, const DecodeLimits& limits, Listener* listener) {
  using Kind = Verdict::Kind;
  if (xml.size() > limits.max_message_bytes)
    return Verdict{Kind::limit, "the document is " + std::to_string(xml.size()) + " bytes; the limit is " + std::to_string(limits.max_message_bytes), 0};
  // Levels kept from document to document, each with its text's capacity: open[0, depth).
  std::vector<Level>& open = levels_;
  std::size_t depth = 0;
  XmlTokenizer t(xml, limits);
  auto verdict = [&](Kind kind, std::string reason) { return Verdict{kind, std::move(reason), t.tag_begin()}; };
  // An element validated against its declaration: its rules and attributes checked.
  auto declared = [&](XSElementDeclaration* d, Level& level) -> std::optional<Verdict> {
    if (d->getAbstract()) return verdict(Kind::left_to_xerces, "an abstract element");
    if (d->getConstraintType() != XSConstants::VALUE_CONSTRAINT_NONE) return verdict(Kind::left_to_xerces, "an element with a default or fixed value");
    level.rules = &rules_of(d->getTypeDefinition());
    if (!level.rules->unsupported.empty()) return verdict(Kind::left_to_xerces, level.rules->unsupported);
    if (level.rules->content) level.at = level.rules->content->start();
    std::uint64_t seen = 0;  // by the index of the use (rules_of allows 64)
    for (const XmlAttribute& a : t.attributes()) {
      if (a.name.ns == kSchemaInstance) return verdict(Kind::left_to_xerces, "an xsi: attribute");
      const auto& uses = level.rules->attributes;
      const auto use = std::find_if(uses.begin(), uses.end(), [&](const Attribute& u) { return u.local == a.name.local && u.ns == a.name.ns; });
      if (use != uses.end()) {
        seen |= std::uint64_t{1} << (use - uses.begin());
        if (std::string why = use->check->refusal(a.value); !why.empty()) return verdict(Kind::invalid, "attribute " + clark(a.name.ns, a.name.local) + ": " + why);
        continue;
      }
      if (!level.rules->any_attribute || !level.rules->any_attribute->matches(a.name.ns, a.name.local))
        return verdict(Kind::invalid, "attribute " + clark(a.name.ns, a.name.local) + " is not declared for '" + std::string(level.name) + "'");
      if (level.rules->any_attribute->wildcard->getProcessContents() != XSWildcard::PC_SKIP)
        return verdict(Kind::left_to_xerces, "an attribute under a lax or strict attribute wildcard");
    }
    for (std::size_t i = 0; i < level.rules->attributes.size(); ++i)
      if (level.rules->attributes[i].required && (seen >> i & 1) == 0)
        return verdict(Kind::invalid, "'" + std::string(level.name) + "' lacks its attribute " + level.rules->attributes[i].local);
    return std::nullopt;
  };
  for (XmlTokenizer::Event e; (e = t.next()) != XmlTokenizer::Event::done;) {
    switch (e) {
      case XmlTokenizer::Event::fault:
        return Verdict{t.fault_kind() == XmlTokenizer::Fault::unsupported ? Kind::left_to_xerces
                       : t.fault_kind() == XmlTokenizer::Fault::limit     ? Kind::limit
                                                                           : Kind::not_well_formed,
                       t.fault(), t.fault_offset()};
      case XmlTokenizer::Event::text: {
        if (depth == 0) break;
        Level& level = open[depth - 1];
        if (listener != nullptr) listener->text(t.text());
        if (level.mode != Mode::validate) break;
        if (level.rules->text != nullptr) level.text += t.text();
        else if (!only_space(t.text())) return verdict(Kind::invalid, "text in '" + std::string(level.name) + "', whose content is elements only");
        break;
      }
      case XmlTokenizer::Event::start: {
        const std::string_view ns = t.element().ns, local = t.element().local;
        if (depth == open.size()) open.emplace_back();
        Level& level = open[depth];
        level.mode = Mode::validate;
        level.rules = nullptr;
        level.at = ContentModel::kRefused;
        level.text.clear();
        level.name = local;
        XSElementDeclaration* declaration = nullptr;
        if (depth == 0) {
          declaration = global_element(ns, local);
          if (declaration == nullptr) return verdict(Kind::invalid, "no declaration for the root " + clark(ns, local));
        } else {
          Level& parent = open[depth - 1];
          if (parent.mode == Mode::skip) {
            level.mode = Mode::skip;
          } else if (parent.mode == Mode::lax) {
            declaration = global_element(ns, local);
            if (declaration == nullptr) level.mode = Mode::lax;
          } else {
            if (!parent.rules->content) return verdict(Kind::invalid, "an element in '" + std::string(parent.name) + "', whose content is text");
            const ContentModel::Symbol* s = parent.rules->content->next(parent.at, ns, local);
            if (s == nullptr) return verdict(Kind::invalid, clark(ns, local) + " is not allowed there in '" + std::string(parent.name) + "'");
            declaration = s->element;
            if (s->wildcard != nullptr) {
              const auto how = s->wildcard->getProcessContents();
              declaration = how == XSWildcard::PC_SKIP ? nullptr : global_element(ns, local);
              if (how == XSWildcard::PC_SKIP) level.mode = Mode::skip;
              else if (declaration == nullptr && how == XSWildcard::PC_STRICT) return verdict(Kind::invalid, "no declaration for " + clark(ns, local));
              else if (declaration == nullptr) level.mode = Mode::lax;
            }
          }
        }
        if (level.mode == Mode::validate) {
          if (auto refused = declared(declaration, level)) return *refused;
        } else if (level.mode == Mode::lax) {
          for (const XmlAttribute& a : t.attributes())
            if (a.name.ns == kSchemaInstance) return verdict(Kind::left_to_xerces, "an xsi: attribute");
        }
        ++depth;
        if (listener != nullptr)
          if (const std::string_view left = listener->start(t); !left.empty()) return verdict(Kind::left_to_xerces, std::string(left));
        break;
      }
      case XmlTokenizer::Event::end: {
        const Level& level = open[--depth];
        if (level.mode == Mode::validate) {
          if (level.rules->content && !level.rules->content->can_end(level.at))
            return verdict(Kind::invalid, "'" + std::string(level.name) + "' ends before its content is complete");
          if (level.rules->text != nullptr)
            if (std::string why = level.rules->text->refusal(level.text); !why.empty()) return verdict(Kind::invalid, "'" + std::string(level.name) + "': " + why);
        }
        if (listener != nullptr)
          if (const std::string_view left = listener->end(t); !left.empty()) return verdict(Kind::left_to_xerces, std::string(left));
        break;
      }
      case XmlTokenizer::Event::done: break;
    }
  }
  return Verdict{};
}

}  // namespace cimbus::detail
