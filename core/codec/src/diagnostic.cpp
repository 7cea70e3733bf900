#include "cimbus/codec/diagnostic.hpp"
#include "cimbus/codec/error_code.hpp"

#include <array>
#include <string_view>

namespace cimbus {

const char* to_string(Level level) {
  switch (level) {
    case Level::inform: return "INFORM";
    case Level::warning: return "WARNING";
    case Level::fatal: return "FATAL";
    case Level::catastrophic: return "CATASTROPHIC";
  }
  return "FATAL";
}

std::string primary_code(const Diagnostics& diagnostics) {
  // Precise codes first: a missing Verb also breaks the schema, and 1.5 says more than 1.8.
  static constexpr std::array<std::string_view, 7> precedence = {
      code::kHeaderElementsMissing, code::kInvalidVerb, code::kInvalidNoun, code::kRequestElementsMissing,
      code::kPayloadElementsMissing, code::kPolicyViolation, code::kTooManyItems};
  for (std::string_view wanted : precedence)
    for (const Diagnostic& d : diagnostics)
      if (d.is_error() && d.code == wanted) return d.code;
  for (const Diagnostic& d : diagnostics)
    if (d.is_error()) return d.code;
  return {};
}

}  // namespace cimbus
