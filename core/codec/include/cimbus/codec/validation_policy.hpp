#pragma once
// How strictly inbound XML is checked (DESIGN.md, "Validation policy").

#include <optional>
#include <string_view>

namespace cimbus {

enum class ValidationPolicy {
  strict,   // full XSD validation; any violation is an error
  lenient,  // as strict, but deviations seen in real traffic become WARNINGs: verbs in the wrong
            // case, padded or spelt "cancelled"; a Header contradicting its typed wrapper; an
            // mRID that is not a UUID
  off,      // no XSD validation: only what building the typed model needs is checked
};

const char* to_string(ValidationPolicy policy);
std::optional<ValidationPolicy> parse_validation_policy(std::string_view text);

}  // namespace cimbus
