#include "cimbus/codec/validation_policy.hpp"

namespace cimbus {

const char* to_string(ValidationPolicy policy) {
  switch (policy) {
    case ValidationPolicy::strict: return "strict";
    case ValidationPolicy::lenient: return "lenient";
    case ValidationPolicy::off: return "off";
  }
  return "strict";
}

std::optional<ValidationPolicy> parse_validation_policy(std::string_view text) {
  if (text == "strict") return ValidationPolicy::strict;
  if (text == "lenient") return ValidationPolicy::lenient;
  if (text == "off") return ValidationPolicy::off;
  return std::nullopt;
}

}  // namespace cimbus
