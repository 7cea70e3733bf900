#pragma once
// Options of an XmlCodec.

#include <map>
#include <string>

#include "cimbus/codec/decode_limits.hpp"
#include "cimbus/codec/validation_policy.hpp"

namespace cimbus {

struct CodecOptions {
  ValidationPolicy policy = ValidationPolicy::strict;
  DecodeLimits limits;
  // Decode with Xerces-C only, the reference, instead of cimbus's own validator first
  // (decisions/0035). The two give the same envelopes; this is for the differential tests, and a
  // way out should a utility ever find them differ.
  bool reference_decoder = false;
};

struct EncodeOptions {
  bool xml_declaration = true;  // <?xml version="1.0" encoding="UTF-8"?>
  bool indent = false;          // two-space indentation, for people; the wire gets compact XML
  // Typed payloads and queries are written in their schema's namespace, or in the one given here
  // for it (a partner's alias, see SchemaRegistryOptions::namespace_aliases).
  std::map<std::string, std::string, std::less<>> payload_namespaces;
};

}  // namespace cimbus
