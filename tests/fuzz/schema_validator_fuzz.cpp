// The decoder's validator (decisions/0034) against Xerces-C validating with the same
// grammars: whatever the bytes, both give the same verdict, valid or not. Not compared: what the
// validator leaves to Xerces-C, the decode limits, and DTDs (which the codec refuses before any
// validation, and which a bare Xerces-C would expand).

#include "cimbus/codec/schema_registry.hpp"
#include "fuzz_input.hpp"
#include "grammar_set.hpp"
#include "schema_validator.hpp"
#include "xerces_validation.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using Kind = cimbus::detail::SchemaValidator::Verdict::Kind;
  static const auto grammars = cimbus::SchemaRegistry::builtin()->grammars();
  static cimbus::detail::SchemaValidator validator(grammars->model());
  static cimbus::test::XercesValidation xerces(grammars->pool());
  const std::string xml(cimbus::fuzz::bytes_of(data, size));
  if (xml.find("<!DOCTYPE") != std::string::npos || xml.find("<!ENTITY") != std::string::npos) return 0;
  const cimbus::detail::SchemaValidator::Verdict mine = validator.validate(xml, {});
  if (mine.kind == Kind::left_to_xerces || mine.kind == Kind::limit) return 0;
  if ((mine.kind == Kind::valid) != xerces.valid(xml)) {
    const std::string what = mine.kind == Kind::valid ? "the validator accepts what Xerces-C refuses"
                                                      : "the validator refuses what Xerces-C accepts: " + mine.reason;
    cimbus::fuzz::finding(what.c_str());
  }
  return 0;
}
