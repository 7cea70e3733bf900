#pragma once
// The checks of a simple type, compiled from the registry's XSModel: the lexical form of the
// built-in datatype it derives from, after the white space it collapses, then its facets
// (enumeration, the mRID pattern, lengths, integer bounds). Part of the decoder's
// validator (decisions/0034); what it cannot check throws Unsupported, and that type stays with
// Xerces-C.
//
//   const SimpleTypeCheck check = SimpleTypeCheck::compile(*type);   // throws Unsupported
//   std::string why = check.refusal(text);                           // "" when valid
//
// Threading: immutable once compiled.

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <xercesc/framework/psvi/XSSimpleTypeDefinition.hpp>

namespace cimbus::detail {

class SimpleTypeCheck {
 public:
  struct Unsupported : std::runtime_error {
    using std::runtime_error::runtime_error;
  };

  static SimpleTypeCheck compile(xercesc::XSSimpleTypeDefinition& type);  // Xerces-C's PSVI API is not const

  // Why `text` is not a value of the type, or "" when it is.
  std::string refusal(std::string_view text) const;

 private:
  enum class Builtin { string, boolean, integer, floating, date_time, date };

  Builtin builtin_ = Builtin::string;
  bool collapse_ = false;  // xs:whiteSpace collapse (every built-in here but string)
  std::string name_;       // for messages: "{ns}name" or the built-in's
  std::vector<std::string> enumeration_;
  bool uuid_pattern_ = false;  // the one pattern of the schemas: 8-4-4-4-12 hexadecimal digits
  std::optional<std::size_t> min_length_, max_length_;
  std::optional<std::int64_t> min_value_, max_value_;  // integer built-ins' ranges and bounds
};

}  // namespace cimbus::detail
