#pragma once
// Validates a document against the registry's grammars without Xerces-C on the way: the
// tokenizer, the content models, the simple-type checks and the attribute uses, each compiled
// once from the XSModel and kept. The decoder's validator (decisions/0034, 0035): it gives a
// verdict, and a Listener builds the envelope from the same walk.
//
//   SchemaValidator validator(*model);
//   SchemaValidator::Verdict v = validator.validate(xml, limits);
//   if (v.kind == SchemaValidator::Verdict::Kind::left_to_xerces) ...   // Xerces-C decides
//
// What it leaves to Xerces-C: what the tokenizer leaves (another encoding, an unusual XML
// declaration, text after the root), xsi:type, xsi:nil and schema locations, abstract
// declarations, fixed values, mixed content, and every type whose checks did not compile.
//
// Threading: one document at a time (types are compiled on first use).

#include <cstddef>
#include <unordered_map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <xercesc/framework/psvi/XSModel.hpp>

#include "cimbus/codec/decode_limits.hpp"
#include "content_model.hpp"
#include "simple_type_check.hpp"
#include "xml_tokenizer.hpp"

namespace cimbus::detail {

class SchemaValidator {
 public:
  struct Verdict {
    // limit: beyond the DecodeLimits (size, depth, elements), whatever else it is.
    enum class Kind { valid, invalid, not_well_formed, limit, left_to_xerces };
    Kind kind = Kind::valid;
    std::string reason;  // invalid, not well-formed, left: why
    std::size_t offset = 0;
  };

  // Told each step of the walk while the document is valid so far, to build from the same walk
  // (envelope_builder.hpp). A reason returned (not empty) stops the walk: the verdict is then
  // left_to_xerces, with that reason.
  class Listener {
   public:
    virtual ~Listener() = default;
    virtual std::string_view start(const XmlTokenizer& t) = 0;
    virtual void text(std::string_view text) = 0;
    virtual std::string_view end(const XmlTokenizer& t) = 0;
  };

  explicit SchemaValidator(xercesc::XSModel& model) : model_(model) {}

  Verdict validate(std::string_view xml, const DecodeLimits& limits, Listener* listener = nullptr);

 private:
  struct Attribute {
    std::string ns, local;
    bool required = false;
    const SimpleTypeCheck* check = nullptr;  // nullptr: left to Xerces-C
  };
  // What an element of a type must satisfy.
  struct Rules {
    std::string unsupported;                    // not empty: left to Xerces-C, and why
    std::optional<ContentModel> content;        // element-only or empty content
    const SimpleTypeCheck* text = nullptr;      // simple type or simple content
    std::vector<Attribute> attributes;
    std::optional<ContentModel::Symbol> any_attribute;
  };

  const Rules& rules_of(xercesc::XSTypeDefinition* type);
  // The global declaration of {ns}local, or nullptr (the root, and what lax and strict wildcards match).
  xercesc::XSElementDeclaration* global_element(std::string_view ns, std::string_view local) const;
  const SimpleTypeCheck* check_of(xercesc::XSSimpleTypeDefinition* type, std::string& unsupported);

  enum class Mode { validate, lax, skip };  // lax: undeclared under a lax wildcard, its children lax too
  struct Level {
    Mode mode = Mode::validate;
    const Rules* rules = nullptr;
    ContentModel::State at = ContentModel::kRefused;
    std::string text;       // simple content, as it comes
    std::string_view name;  // a view of the document
  };

  xercesc::XSModel& model_;
  std::unordered_map<xercesc::XSTypeDefinition*, std::unique_ptr<Rules>> rules_;
  std::unordered_map<xercesc::XSSimpleTypeDefinition*, std::unique_ptr<SimpleTypeCheck>> checks_;
  std::unordered_map<xercesc::XSSimpleTypeDefinition*, std::string> unchecked_;
  std::vector<Level> levels_;  // the open elements of validate(), kept for the next document
};

}  // namespace cimbus::detail
