#pragma once
// The envelope rules a schema cannot express, checked after a successful parse:
// mandatory Header fields (1.5), an empty Noun (2.5), a verb that contradicts the archetype or
// the typed wrapper (2.9), a Noun that contradicts the wrapper (2.5), and Payload/Compressed
// (base64, gzip, decompressed size: 1.8 / 3.1).

#include <optional>
#include <string>

#include "cimbus/codec/decode_limits.hpp"
#include "cimbus/codec/decode_result.hpp"
#include "cimbus/codec/validation_policy.hpp"
#include "cimbus/codec/wrapper_name.hpp"

namespace cimbus::detail {

// What a decoder found of the message's shape, whichever decoder read it.
struct ParseFacts {
  bool found_message = false;  // a 61968-100 message element (the root, or in a SOAP Body)
  std::string soap_namespace;  // of the SOAP Envelope around the message; empty when none
  bool saw_verb = false;  // a Verb element was present, valid or not
  bool saw_noun = false;
  std::optional<WrapperName> wrapper;
  std::string root_path;  // "/RequestMessage"
};

void check_envelope(DecodeResult& result, const ParseFacts& facts, ValidationPolicy policy, const DecodeLimits& limits);

}  // namespace cimbus::detail
